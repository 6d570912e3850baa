import { PROBLEM_CONTENT_TYPE, type ProblemFieldError, problemCodeForStatus } from '@tessera/guard';
import { HttpProblem, problemJson, validationProblem } from '@tessera/server';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Headers of a Better Auth error response that still mean something on the problem+json answer. */
const KEPT_HEADERS = ['retry-after', 'x-retry-after', 'www-authenticate'] as const;

/** Better Auth's message for a body that is not JSON (better-call's request parser). */
const MALFORMED_JSON_MESSAGE = 'Invalid JSON in request body';

/** better-call's code for a body or query its schema refused; its message lists `[body.email] Invalid email; …`. */
const VALIDATION_ERROR = 'VALIDATION_ERROR';

/**
 * Rewrites a Better Auth error response as `application/problem+json` `{ type, title, status, detail, code }`,
 * keeping its status (plus `message`, an RFC 9457 extension member). Better Auth's own codes
 * (`INVALID_EMAIL_OR_PASSWORD`) become lower snake case (`invalid_email_or_password`), like every other code
 * of the API, and a refused body becomes `validation_failed` with `errors: [{ path, message }]`, as in every
 * other service. Successful responses pass through untouched.
 * A 5xx never repeats Better Auth's message: it may describe internals.
 */
export async function betterAuthProblem(c: Context, response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text().catch(() => '');
  const parsed = parseJson(text);
  // Answers already in a standard error format stay as they are: problem+json, and RFC 6749 §5.2
  // `{ error, error_description }` from the token endpoint, which OAuth clients parse as such.
  const standard =
    response.headers.get('content-type')?.includes(PROBLEM_CONTENT_TYPE) || typeof parsed?.error === 'string';
  if (standard && response.status < 500) {
    return new Response(text, response);
  }
  const status = response.status as ContentfulStatusCode;
  const body = errorFields(parsed);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  // RFC 9110 `Retry-After` next to Better Auth's non-standard `X-Retry-After`, so ordinary clients back off.
  if (status === 429 && headers['retry-after'] === undefined && headers['x-retry-after'] !== undefined) {
    headers['retry-after'] = headers['x-retry-after'];
  }

  let problem: HttpProblem;
  if (status >= 500) {
    c.var.log.error({ status, code: body.code }, 'Better Auth answered with a server error');
    problem = new HttpProblem({
      status,
      code: 'internal_error',
      detail: 'The server could not handle the request.',
      headers,
    });
  } else if (status === 400 && body.code === VALIDATION_ERROR) {
    const { code, detail, errors } = validationProblem(fieldErrorsOf(body.message ?? ''));
    problem = new HttpProblem({ status, code, detail, errors, headers, extensions: { message: detail } });
  } else {
    const code = codeFor(status, body);
    const detail =
      body.message ??
      (status === 429 ? 'Too many requests. Please try again later.' : 'The request could not be handled.');
    // `message` repeats `detail` for Better Auth's own browser client, which shows `error.message`.
    problem = new HttpProblem({ status, code, detail, headers, extensions: { message: detail } });
  }
  const answer = problemJson(c, problem);
  // A failed session lookup clears the session cookie; the browser must still get that instruction.
  for (const cookie of response.headers.getSetCookie()) answer.headers.append('set-cookie', cookie);
  return answer;
}

function codeFor(status: number, body: { code?: string; message?: string }): string {
  // Better Auth calls a malformed body a plain BAD_REQUEST; every other Tessera service says invalid_json.
  if (status === 400 && body.message === MALFORMED_JSON_MESSAGE) return 'invalid_json';
  return body.code === undefined ? problemCodeForStatus(status) : body.code.toLowerCase();
}

/**
 * The failing fields of better-call's validation message, `[body.email] Invalid email; [body] Invalid input`, with
 * paths as every service writes them (`email`, and `` for the body itself). A message of another shape (a Better
 * Auth field validator's) is one error on the body.
 */
function fieldErrorsOf(message: string): ProblemFieldError[] {
  const errors = message.split(/; (?=\[[^\]]*\] )/).flatMap((part): ProblemFieldError[] => {
    const match = /^\[(?:body|query)\.?([^\]]*)\] (.*)$/s.exec(part);
    return match === null ? [] : [{ path: match[1] ?? '', message: match[2] ?? '' }];
  });
  return errors.length > 0 ? errors : [{ path: '', message: message || 'Validation Error' }];
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function errorFields(parsed: Record<string, unknown> | undefined): { code?: string; message?: string } {
  const code = parsed?.code;
  const message = parsed?.message;
  return {
    ...(typeof code === 'string' && /^[A-Za-z0-9_]+$/.test(code) ? { code } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
  };
}
