// Pod names as a Kubernetes Deployment gives them:
//   <deployment>-<pod-template-hash>-<5 random characters>
// The template hash comes from the version (a new version is a new ReplicaSet, so
// a new pod), the suffix from the seeded random source (a redeploy of the same
// version is a new pod too). Both use Kubernetes' SafeEncodeString alphabet
// (lowercase consonants and digits), so pod=~"<service>-[a-z0-9]+-[a-z0-9]+" matches.
import { hashString, type Random } from './random.js';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function encode(n: number, length: number): string {
  let out = '';
  let x = n >>> 0;
  for (let i = 0; i < length; i++) {
    out += ALPHABET[x % ALPHABET.length];
    x = Math.floor(x / ALPHABET.length);
  }
  return out;
}

/** The ReplicaSet's pod-template-hash for a version of a service: 10 characters, stable. */
export function replicaSetHash(service: string, version: string): string {
  const a = hashString(`${service}\u0000${version}`);
  const b = hashString(`${version}\u0000${service}`);
  return encode(a, 5) + encode(b, 5);
}

export function podName(service: string, version: string, random: Random): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(random.next() * ALPHABET.length)];
  return `${service}-${replicaSetHash(service, version)}-${suffix}`;
}
