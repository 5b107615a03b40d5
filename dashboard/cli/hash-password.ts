// npm run dashboard:hash-password [-- --user NAME]: reads a password (typed without
// echo on a terminal, or from stdin) and prints the DASHBOARD_USERS entry
// NAME:scrypt$... for it. The password itself is never printed.
import { hashPassword } from '../lib/auth/password.js';

const args = process.argv.slice(2);
const userAt = args.indexOf('--user');
const user = userAt >= 0 ? args[userAt + 1] : undefined;
if (user !== undefined && !/^[A-Za-z0-9._@-]{1,64}$/.test(user)) {
  process.stderr.write('dashboard:hash-password: --user takes letters, digits and . _ @ - (at most 64)\n');
  process.exit(2);
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  process.stderr.write('Password (not shown): ');
  process.stdin.setRawMode(true);
  process.stdin.resume();
  return new Promise((done) => {
    let typed = '';
    process.stdin.on('data', (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stderr.write('\n');
          return done(typed);
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') typed = typed.slice(0, -1);
        else typed += ch;
      }
    });
  });
}

const password = await readPassword();
if (password.length < 12) {
  process.stderr.write('dashboard:hash-password: use a password of at least 12 characters\n');
  process.exit(2);
}
const hash = await hashPassword(password);
process.stdout.write(user ? `${user}:${hash}\n` : `${hash}\n`);
