import {
  type ProblemBody,
  type ProblemFieldError,
  problemAnswer,
  problemBody,
  problemCodeForStatus,
  problemTitleForStatus,
} from '@tessera/guard';
import type { Context } from 'hono';
import type { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** Options of {@link HttpProblem}. */
export type HttpProblemOptions = {
  /** HTTP status code of the response. */
  status: ContentfulStatusCode;
  /** Stable, machine-readable code clients switch on, e.g. `validation_failed`. */
  code: string;
  /** Human-readable explanation of this occurrence; never internals (SQL, stacks, tokens). */
  detail: string;
  /** Short summary of the problem type. Default: the status's reason phrase. */
  title?: string;
  /** URI identifying the problem type. Default `about:blank` (RFC 9457 §4.2.1). */
  type?: string;
  /** The failing fields, for validation problems (the answer lists the first 20 and counts the rest). */
  errors?: ProblemFieldError[];
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
  /** Extension members added to the body (RFC 9457 §3.2), e.g. `checks` of `/readyz`. */
  extensions?: Record<string, unknown>;
};

/** An error that becomes an `application/problem+json` response; throw it from any handler or middleware. */
export class HttpProblem extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly detail: string;
  readonly title: string;
  readonly type: string;
  readonly errors: ProblemFieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(options: HttpProblemOptions) {
    super(options.detail);
    this.name = 'HttpProblem';
    this.status = options.status;
    this.code = options.code;
    this.detail = options.detail;
    this.title = options.title ?? problemTitleForStatus(options.status);
    this.type = options.type ?? 'about:blank';
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  /** The response body (`problemBody` of `@tessera/guard`): extension members never override the standard ones. */
  toJSON(): ProblemBody {
    return problemBody(this);
  }
}

/** Answers with the problem directly, for middleware that must respond without throwing. */
export function problemJson(c: Context, problem: HttpProblem): Response {
  const answer = problemAnswer(problem, problem.headers);
  return c.body(answer.body, problem.status, answer.headers);
}

/**
 * 400 `validation_failed`, listing every failing field with its dotted path: from a `ZodError`, or from fields a
 * validator outside zod reported (Better Auth's). zod reports unknown keys as one issue on the enclosing object;
 * each key becomes its own entry (`{ path: 'extra', message: 'is not a known field' }`).
 */
export function validationProblem(error: z.ZodError | ProblemFieldError[]): HttpProblem {
  const errors = Array.isArray(error) ? error : fieldErrors(error);
  return new HttpProblem({
    status: 400,
    code: 'validation_failed',
    detail: 'The request is invalid; see errors for each failing field.',
    errors,
  });
}

function fieldErrors(error: z.ZodError): ProblemFieldError[] {
  return error.issues.flatMap((issue): ProblemFieldError[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: dottedPath(issue.path), message: issue.message }];
    // A hook that already split the keys (one key, path ending in it) keeps its own message.
    const [onlyKey] = issue.keys;
    const alreadySplit =
      issue.keys.length === 1 && issue.path.at(-1) === onlyKey && issue.message !== `Unrecognized key: "${onlyKey}"`;
    if (alreadySplit) return [{ path: dottedPath(issue.path), message: issue.message }];
    return issue.keys.map((key) => ({ path: dottedPath([...issue.path, key]), message: 'is not a known field' }));
  });
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * A `defaultHook` for `OpenAPIHono` (and a per-route hook): every invalid body, query, param or header
 * becomes the 400 `validation_failed` problem instead of zod-openapi's default JSON.
 */
export function zodValidationHook(result: { success: true } | { success: false; error: z.ZodError }): void {
  if (!result.success) throw validationProblem(result.error);
}

/** Hono's validator throws this exact message for a body that is not JSON. */
const MALFORMED_JSON_MESSAGE = 'Malformed JSON in request body';

/**
 * Turns an `HTTPException` into a problem, keeping its status and the headers of its response (for example
 * `WWW-Authenticate`). Its message is shown only for client errors raised on purpose, never for 5xx.
 */
export function problemFromHttpException(exception: HTTPException): HttpProblem {
  const status = exception.status as ContentfulStatusCode;
  if (status === 400 && exception.message === MALFORMED_JSON_MESSAGE) return invalidJsonProblem();
  const headers: Record<string, string> = {};
  exception.res?.headers.forEach((value, name) => {
    if (name !== 'content-type' && name !== 'content-length') headers[name] = value;
  });
  const code = problemCodeForStatus(status);
  const detail = status < 500 && exception.message !== '' ? exception.message : problemTitleForStatus(status);
  return new HttpProblem({ status, code, detail, headers });
}

/** 400 `invalid_json`: the body could not be parsed. */
export function invalidJsonProblem(): HttpProblem {
  return new HttpProblem({ status: 400, code: 'invalid_json', detail: 'The request body is not valid JSON.' });
}
