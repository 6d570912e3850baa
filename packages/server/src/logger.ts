import { type DestinationStream, type Level, pino } from 'pino';
import { redactSecrets, withoutStatementParameters } from './redaction.ts';

/** The structured JSON logger every service uses (pino). */
export type Logger = pino.Logger;

/** Options of {@link createLogger}. */
export type CreateLoggerOptions = {
  /** Service name, written on every line as `service`. */
  service: string;
  /** Minimum level. Default `info`. */
  level?: Level | 'silent';
  /** Where lines go. Default: stdout, written synchronously. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
};

/**
 * A pino JSON logger tagged with the service name. Credentials (`authorization`, `cookie`, `set-cookie`, and any
 * key ending in `token`, `secret` or `password`) and database statement parameters (`params`, `parameters`, and
 * drizzle's `\nparams: …` in messages and stacks) are replaced or cut at any depth in logged objects and errors. `child()` bindings are not redacted (pino applies the bindings formatter to the root only): bind ids.
 */
export function createLogger({ service, level = 'info', destination }: CreateLoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (object) => redactSecrets(object) as Record<string, unknown>,
    },
    // Errors are already serialized (and redacted) by the log formatter; serializing again would lose their type.
    serializers: { err: (error: unknown) => error },
    hooks: {
      // A message string can carry a failed query's parameters too (`logger.error(error.message)`).
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? withoutStatementParameters(arg) : arg)) as Parameters<
            typeof method
          >,
        );
      },
    },
  };
  // stdout is written synchronously. pino's default asynchronous writer flushes on exit with sonic-boom 4's
  // flushSync, which retries a write that failed with EPIPE forever: a service whose stdout reader died (`npm start`
  // killed) then hung in process.exit after SIGTERM, no longer listening. A synchronous write meets the EPIPE at
  // once, and pino stops writing.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
