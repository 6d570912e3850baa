import { type Fetch, fetchOr } from './auth-requests.ts';
import type { TokenSource } from './token-source.ts';

/**
 * A `fetch` that sends `Authorization: Bearer <token>` from `source`. On a 401 whose `WWW-Authenticate` says
 * `error="invalid_token"` (RFC 6750 §3.1: expired, revoked, signed by a retired key) it drops the token, gets a
 * fresh one and retries exactly once, unless the body was a stream, which cannot be sent twice
 * (a `Request` with a body counts as one: pass the body in `init` to have it retried).
 * A `SignedOutError` from the source rejects the call. Works as `hc<Api>(url, { fetch: authFetch(source) })`.
 */
export function authFetch(
  source: TokenSource,
  fetch?: Fetch,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  const send = fetchOr(fetch);

  const attempt = async (input: RequestInfo | URL, init: RequestInit | undefined) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('authorization', `Bearer ${await source.token()}`);
    return send(input, { ...init, headers });
  };

  return async function authorizedFetch(input, init) {
    const replayable = isReplayable(input, init);
    const response = await attempt(input, init);
    if (response.status !== 401 || !replayable || !hasInvalidTokenChallenge(response)) return response;
    await response.body?.cancel().catch(() => undefined);
    source.clear();
    return attempt(input, init);
  };
}

/** RFC 6750 §3: `Bearer realm="…", error="invalid_token", …`. */
function hasInvalidTokenChallenge(response: Response): boolean {
  return /(?:^|[\s,])error\s*=\s*"?invalid_token"?/i.test(response.headers.get('www-authenticate') ?? '');
}

/**
 * A stream body can be read only once: one in `init`, or the body of a `Request` (always a stream, whatever it
 * was made from). Strings, bytes, forms and blobs in `init` are sent again as they are.
 */
function isReplayable(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  if (init?.body !== undefined && init.body !== null) return !(init.body instanceof ReadableStream);
  return !(input instanceof Request && input.body !== null);
}
