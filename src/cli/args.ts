// Minimal flag parsing for the commands in scripts/ (node:util parseArgs with
// one clear error message instead of a stack trace).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv.filter((a) => a !== '--'), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Runs a command's main and exits with its code: a UsageError prints the message
 * and the usage line (exit 2), anything else `<name> failed:` and the stack (exit 1).
 */
export function runCommandMain(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n${usage}\n`);
        process.exit(2);
      }
      process.stderr.write(`${name} failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
