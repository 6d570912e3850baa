import type { Logger } from '@tessera/server';
import type { BetterAuthOptions } from 'better-auth';
import { DrizzleQueryError } from 'drizzle-orm/errors';

/**
 * Better Auth's `logger` option, writing to the service's pino logger (`better-auth: <message>`, extra
 * arguments under `details`).
 *
 * A failed query reaches Better Auth as drizzle's `DrizzleQueryError`, whose message and `params` hold the
 * bound values: session tokens on a session lookup, password hashes on an account insert. Such an error is
 * logged as its parameterised SQL and its cause (the driver's error), never with the values.
 */
export function betterAuthLogger(logger: Logger): NonNullable<BetterAuthOptions['logger']> {
  return {
    level: 'info',
    log: (level, message, ...details) => {
      if (details.length > 0) logger[level]({ details: details.map(withoutQueryParameters) }, `better-auth: ${message}`);
      else logger[level](`better-auth: ${message}`);
    },
  };
}

/** A `DrizzleQueryError` without its bound values; anything else unchanged. */
export function withoutQueryParameters(detail: unknown): unknown {
  if (!(detail instanceof DrizzleQueryError)) return detail;
  return { name: 'DrizzleQueryError', query: detail.query, cause: detail.cause };
}
