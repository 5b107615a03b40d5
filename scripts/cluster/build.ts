// npm run cluster:build: build the local cluster's binaries (binaries.ts) if missing
// or stale, with progress on stderr. CI runs it before npm test.
import { buildClusterBinaries, binDir } from './binaries.js';

const say = (line: string) => process.stderr.write(`cluster:build: ${line}\n`);
buildClusterBinaries(say).then(
  (seconds) => {
    if (seconds === 0) say(`up to date in ${binDir()}`);
  },
  (err) => {
    process.stderr.write(`cluster:build failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
