// The Kestra task API (@kestra-io/libs), with its `::{json}::` lines written
// straight to file descriptor 1. The library prints them with console.log, whose
// first call sets up process.stdout: 3-5 ms of a bundled task's cold start
// (`npm run bench:tasks`). The lines are the library's own (Kestra.format), byte
// for byte; outputs, counter, timer… are the library's. Only the write differs,
// and it keeps console.log's manners: synchronous, errors (a closed stdout) ignored.
import { writeSync } from 'node:fs';
import Kestra from '@kestra-io/libs';

function writeLine(line: string): void {
  const data = Buffer.from(`${line}\n`, 'utf8');
  let written = 0;
  while (written < data.length) {
    try {
      written += writeSync(1, data, written);
    } catch (err) {
      // a non-blocking stdout that is full: wait a moment and retry, as a synchronous write would
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      else return;
    }
  }
}

Kestra._send = (map) => writeLine(Kestra.format(map));

export default Kestra;
