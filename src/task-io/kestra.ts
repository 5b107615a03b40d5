// The Kestra task API: @kestra-io/libs, used as it is (Kestra.outputs, counter,
// timer… print their `::{json}::` lines with console.log).
//
// One thing is set here: stdout blocks. Kestra reads a task's stdout through a pipe,
// and Node writes to a pipe asynchronously on Linux: what the pipe cannot take at once
// is queued in the process, and a task that calls process.exit(1) right after
// Kestra.outputs() (rollback and health-check do, on failure) would lose the queued
// rest of the line — Kestra then sees no outputs, or a broken line. Blocking, a write
// returns only once the pipe has it all, as for a file or a terminal
// (test/build/stdout-pipe.bundle.test.ts). It also keeps the order of the task's
// log lines, which src/log.ts writes to the same file descriptor synchronously.
import Kestra from '@kestra-io/libs';

interface BlockingHandle {
  setBlocking?(blocking: boolean): unknown;
}
// net.Socket over a pipe exposes its libuv handle as _handle (a file or a terminal: already synchronous)
(process.stdout as unknown as { _handle?: BlockingHandle })._handle?.setBlocking?.(true);

export default Kestra;
