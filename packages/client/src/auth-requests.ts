import { InvalidResponseError, RequestFailedError, SignedOutError, TokenUnavailableError } from './errors.ts';
import { type TimedToken, timeToken } from './token-times.ts';

/** The `fetch` this package calls: the platform's own unless a source is given another. */
export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** The `fetch` a source was given, else the platform's own (looked up per call, so a test or polyfill can replace it). */
export function fetchOr(fetch: Fetch | undefined): Fetch {
  return fetch ?? ((input, init) => globalThis.fetch(input, init));
}

/** Better Auth's routes under `authUrl`. */
export function authRoute(authUrl: string, path: string): string {
  return `${authUrl.replace(/\/+$/, '')}/api/auth${path}`;
}

/**
 * `GET /api/auth/token`: a 401 means the session has ended (signed out, revoked or expired); a network error,
 * 429 or 5xx is transient; a 200 must carry a JWT with `exp`.
 */
export async function requestUserToken(
  fetch: Fetch,
  url: string,
  init: RequestInit,
  now: () => number,
  refreshMarginMs: number,
): Promise<TimedToken> {
  const response = await send(fetch, url, { ...init, cache: 'no-store' });
  const receivedAt = now();
  if (response.status === 401) {
    await discard(response);
    throw new SignedOutError('The session has ended: sign in again');
  }
  await failOnTransient(response);
  if (!response.ok) {
    await discard(response);
    throw new InvalidResponseError(`the token endpoint answered ${response.status}`);
  }
  const body = (await response.json().catch(() => undefined)) as { token?: unknown } | undefined;
  if (typeof body?.token !== 'string') throw new InvalidResponseError('the token endpoint answered without a token');
  return timeToken(body.token, receivedAt, refreshMarginMs);
}

/** `fetch`, with a network failure as a transient `TokenUnavailableError`. */
export async function send(fetch: Fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (cause) {
    throw new TokenUnavailableError('The auth service could not be reached', undefined, { cause });
  }
}

/** Throws the transient error for a 429 or a 5xx answer. */
export async function failOnTransient(response: Response): Promise<void> {
  if (response.status !== 429 && response.status < 500) return;
  await discard(response);
  throw new TokenUnavailableError(`The auth service answered ${response.status}`, response.status);
}

/**
 * A sign-in, sign-up or sign-out call: JSON in, the parsed body out, and a refusal as `RequestFailedError`
 * carrying the server's problem+json detail and code. A network failure has status 0 and code `network_error`.
 */
export async function postJson(
  fetch: Fetch,
  url: string,
  body: unknown,
  init: RequestInit = {},
): Promise<{ response: Response; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      method: 'POST',
      headers: { ...(init.headers as Record<string, string> | undefined), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new RequestFailedError('The auth service could not be reached', 0, 'network_error');
  }
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
      detail?: unknown;
      message?: unknown;
      title?: unknown;
      code?: unknown;
    };
    const message = [problem.detail, problem.message, problem.title].find(
      (value): value is string => typeof value === 'string' && value !== '',
    );
    throw new RequestFailedError(
      message ?? `The auth service answered ${response.status}`,
      response.status,
      typeof problem.code === 'string' ? problem.code : undefined,
    );
  }
  return { response, body: parsed };
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
