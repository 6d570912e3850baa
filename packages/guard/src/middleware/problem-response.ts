import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The protection space named in every challenge (RFC 6750 §3). */
export const realm = 'tessera';

/** A quoted-string (RFC 9110 §5.6.4): `"` and `\` are escaped, so no value can break out of its quotes. */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** A `WWW-Authenticate: Bearer …` challenge with the realm first and each parameter quoted (RFC 6750 §3). */
export function bearerChallenge(params: Readonly<Record<string, string>> = {}): string {
  const parts = [`realm=${quoteString(realm)}`];
  for (const [name, value] of Object.entries(params)) parts.push(`${name}=${quoteString(value)}`);
  return `Bearer ${parts.join(', ')}`;
}

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/** What an auth failure answers; `code` is the RFC 6750 error (or our own), `reason` the precise guard code. */
export type AuthProblem = {
  readonly status: 400 | 401 | 403 | 503;
  readonly code: string;
  readonly reason: string;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * Answers with an RFC 9457 problem+json body `{ type, title, status, detail, code, reason }`, as every
 * Tessera error does. `type` is `about:blank`, so `title` is the status phrase (RFC 9457 §4.2.1).
 * The detail is always one of our fixed texts: token contents are never echoed.
 */
export function problemResponse(c: Context, problem: AuthProblem): Response {
  const body = {
    type: 'about:blank',
    title: titles[problem.status],
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    reason: problem.reason,
  };
  return c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    ...problem.headers,
  });
}
