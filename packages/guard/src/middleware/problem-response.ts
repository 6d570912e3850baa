import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problemAnswer } from '../problem/index.ts';

/** What an auth failure answers; `code` is the RFC 6750 error (or our own), `reason` the precise guard code. */
export type AuthProblem = {
  readonly status: 400 | 401 | 403 | 503;
  readonly code: string;
  readonly reason: string;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * Answers an auth failure from Hono middleware: the problem+json body `{ type, title, status, detail, code, reason }`
 * of every Tessera error, never cached. The detail is always one of our fixed texts: token contents are never echoed.
 */
export function problemResponse(c: Context, problem: AuthProblem): Response {
  const { status, code, reason, detail, headers } = problem;
  const answer = problemAnswer({ status, code, detail, extensions: { reason } }, { 'Cache-Control': 'no-store', ...headers });
  return c.body(answer.body, answer.status as ContentfulStatusCode, answer.headers);
}
