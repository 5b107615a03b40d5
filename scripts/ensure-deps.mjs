// Installs the npm dependencies when they are missing or older than
// package-lock.json, so `npm test` and `npm start` work straight after cloning.
// Plain Node on purpose: it runs before any dependency exists.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

// npm writes node_modules/.package-lock.json at the end of every install.
const installed = mtime('node_modules/.package-lock.json');
if (installed < 0 || installed < mtime('package-lock.json')) {
  process.stderr.write('Installing npm dependencies (npm ci)...\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
}
