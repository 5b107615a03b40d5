// Password hashes for the dashboard's configured users: scrypt (node:crypto, no
// dependency), stored as `scrypt$N$r$p$salt$hash` (base64url). Pure but for the
// random salt; verification takes the same time whether the user exists or not.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((ok, fail) => scryptCb(password, salt, keylen, options, (err, key) => (err ? fail(err) : ok(key))));

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await scrypt(password.normalize('NFKC'), salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** null when the text is not a hash this module wrote (the configuration names the user). */
export function parseHash(text: string): ParsedHash | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/.exec(text.trim());
  if (!m) return null;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // N a power of two, costs bounded so a configured hash cannot stall the server
  if (n < 1024 || n > 1 << 20 || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { N: n, r, p, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

// Compared against when the user is unknown, so the answer takes as long either way.
const DUMMY: ParsedHash = { N, r: R, p: P, salt: Buffer.alloc(16, 7), key: Buffer.alloc(KEYLEN, 0) };

export async function verifyPassword(password: string, stored: ParsedHash | null): Promise<boolean> {
  const h = stored ?? DUMMY;
  const key = await scrypt(password.normalize('NFKC'), h.salt, h.key.length, { N: h.N, r: h.r, p: h.p, maxmem: MAXMEM });
  return timingSafeEqual(key, h.key) && stored !== null;
}
