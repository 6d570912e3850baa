import { type Fetch, failOnTransient, fetchOr, send } from './auth-requests.ts';
import { InvalidResponseError, OAuthError } from './errors.ts';
import { createRefreshingToken, type RefreshOptions, timingOf } from './refreshing-token.ts';
import type { TokenSource } from './token-source.ts';
import { timeToken } from './token-times.ts';

/** Options of {@link clientCredentials}. */
export type ClientCredentialsOptions = RefreshOptions & {
  /** The token endpoint, e.g. `https://auth.example.com/api/auth/oauth2/token`. */
  tokenUrl: string;
  clientId: string;
  /** Sent only in the `Authorization: Basic` header; never in an error message or a log. */
  clientSecret: string;
  /** The scopes to ask for, space-separated or as a list. Default: the server's default for the client. */
  scope?: string | string[];
  /** The audience (RFC 8707 `resource`) to ask for. Default: the server's default. */
  audience?: string;
  /** The HTTP client. Default: the platform's `fetch`. */
  fetch?: Fetch;
};

/**
 * The token source of a service calling another service: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4),
 * with the client authenticated by HTTP Basic (§2.3.1). The token is cached until `refreshMargin` before it
 * expires. A refusal is an `OAuthError` carrying the RFC 6749 §5.2 `error` code.
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenSource {
  for (const name of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '')
      throw new TypeError(`clientCredentials: ${name} is required`);
  }
  const { tokenUrl, audience } = options;
  const fetch = fetchOr(options.fetch);
  const { now, margin } = timingOf(options);
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  // RFC 6749 §2.3.1: id and secret are form-encoded, then joined with ':' and base64-encoded.
  const basic = `Basic ${btoa(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`)}`;
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined && scope !== '') body.set('scope', scope);
  if (audience !== undefined) body.set('resource', audience);

  const cache = createRefreshingToken(async () => {
    const response = await send(fetch, tokenUrl, {
      method: 'POST',
      headers: {
        authorization: basic,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: body.toString(),
      cache: 'no-store',
      credentials: 'omit',
    });
    const receivedAt = now();
    await failOnTransient(response);
    const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok) {
      if (typeof answer?.error !== 'string')
        throw new InvalidResponseError(`the token endpoint answered ${response.status}`);
      throw new OAuthError(
        answer.error,
        response.status,
        typeof answer.error_description === 'string' ? answer.error_description : undefined,
      );
    }
    if (typeof answer?.access_token !== 'string')
      throw new InvalidResponseError('the token endpoint answered without an access_token');
    const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : undefined;
    return timeToken(answer.access_token, receivedAt, margin, expiresIn);
  }, options);

  return { token: () => cache.token(), clear: () => cache.clear() };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
