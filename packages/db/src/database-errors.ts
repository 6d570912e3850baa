/**
 * The database cannot answer right now (down, restarting, out of connections, too slow): thrown by
 * `withSubject`. The request can be retried later; a service answers 503 with `Retry-After`.
 * The original error stays in `cause` for the logs; it never reaches a response.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'database_unavailable';
}

/**
 * SQLSTATEs that mean "try again later", not "your request is wrong":
 * class 08 (connection exception), 53 (insufficient resources), 57P01–57P03 (shutdown, cannot connect now),
 * 57014 (statement timeout / cancel), 40001 and 40P01 (serialization failure, deadlock).
 * See https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const transientSqlStates = /^(08...|53...|57P0[123]|57014|40001|40P01)$/;

/** Node socket errors and postgres-js connection errors: the server went away or never answered. */
const transientConnectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/** PGlite is in-process: it only becomes unavailable when it was closed (shutdown) or its wasm instance aborted. */
const pgliteUnavailableMessages = /^(PGlite is closed|PGlite is not ready)/;

/**
 * Whether `error` (or any error in its `cause` chain: drizzle wraps driver errors) means the database is
 * unavailable rather than that the query was wrong.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    if (current instanceof DatabaseUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (transientSqlStates.test(code) || transientConnectionCodes.has(code))) return true;
    if (pgliteUnavailableMessages.test(current.message)) return true;
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}
