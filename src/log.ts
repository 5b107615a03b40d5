// One pino logger factory for the whole project. Every line of a deployment's
// work carries its correlation id (the deployment_id); secrets never reach a line.
import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys whose values are always replaced, wherever they appear in a log object. */
const REDACT_PATHS = [
  'apiKey',
  'api_key',
  'token',
  'password',
  'authorization',
  'headers.authorization',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** where lines go; defaults to stderr so stdout stays free for a command's result */
  destination?: pino.DestinationStream;
  /** write to this file descriptor instead (Kestra tasks log to stdout: stderr output marks a task as WARNING) */
  fd?: 1 | 2;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'deploy-watchdog' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // `dest`, not `fd`: for a missing `dest` pino.destination reads process.stdout.fd,
    // and setting up process.stdout costs a Kestra task milliseconds of its start-up
    options.destination ?? pino.destination({ dest: options.fd ?? 2, sync: true }),
  );
}

/** A child logger whose every line carries the deployment's correlation id. */
export function forDeployment(logger: Logger, deploymentId: string): Logger {
  return logger.child({ correlation_id: deploymentId });
}

/** For tests and benchmarks that want no output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
