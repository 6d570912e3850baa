import type { Logger } from '@tessera/server';
import type { BetterAuthOptions } from 'better-auth';

/**
 * Better Auth's `logger` option, writing to the service's pino logger (`better-auth: <message>`, extra
 * arguments under `details`).
 *
 * A failed query reaches Better Auth as drizzle's `DrizzleQueryError`, whose message and `params` hold the
 * bound values (session tokens on a session lookup, password hashes on an account insert), as does the driver's
 * error in its `cause`. The service's logger cuts those values from every line (`@tessera/server`'s redaction).
 */
export function betterAuthLogger(logger: Logger): NonNullable<BetterAuthOptions['logger']> {
  return {
    level: 'info',
    log: (level, message, ...details) => {
      if (details.length > 0) logger[level]({ details }, `better-auth: ${message}`);
      else logger[level](`better-auth: ${message}`);
    },
  };
}
