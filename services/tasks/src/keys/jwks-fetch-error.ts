import type { Logger } from '@tessera/server';

/**
 * The guard's `onFetchError` for the tasks service: one warning that names the JWKS URL, the cause underneath
 * fetch's bare `fetch failed` (`connect ECONNREFUSED 127.0.0.1:3000`, a DNS failure, a timeout, a status), and
 * the variable that sets the URL.
 */
export function logJwksFetchError(logger: Logger, jwksUrl: string): (error: Error) => void {
  return function onJwksFetchError(error) {
    const cause = rootCause(error);
    logger.warn(
      { jwksUrl, cause, setBy: 'AUTH_URL' },
      `cannot fetch the JWKS from ${jwksUrl}: ${cause}. Is the auth service up? AUTH_URL sets where it is (the JWKS is <AUTH_URL>/api/auth/jwks).`,
    );
  };
}

/** The innermost message of an error's `cause` chain, with its code: `fetch failed` says nothing by itself. */
function rootCause(error: Error): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next: unknown =
      current instanceof AggregateError ? current.errors[0] : (current as { cause?: unknown }).cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  const innermost = current as Error & { code?: unknown };
  const code =
    typeof innermost.code === 'string' && !innermost.message.includes(innermost.code) ? ` (${innermost.code})` : '';
  return `${innermost.message}${code}`;
}
