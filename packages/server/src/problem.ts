import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** One failing field of a validation problem: a dotted path (`tags.0`) and what is wrong with it. */
export type ProblemFieldError = { path: string; message: string };

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
  /** The failing fields, for validation problems. */
  errors?: ProblemFieldError[];
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
  /** Extension members added to the body (RFC 9457 §3.2), e.g. `checks` of `/readyz`. */
  extensions?: Record<string, unknown>;
};

/** The JSON body of an `application/problem+json` response (RFC 9457). */
export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
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
    this.title = options.title ?? reasonPhrase(options.status);
    this.type = options.type ?? 'about:blank';
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extensions = options.extensions ?? {};
  }

  /** The response body; extension members never override the standard ones. */
  toJSON(): ProblemBody {
    const body: ProblemBody = { ...this.extensions, type: this.type, title: this.title, status: this.status, detail: this.detail, code: this.code };
    if (this.errors !== undefined) body.errors = this.errors;
    return body;
  }
}

/** Answers with the problem directly, for middleware that must respond without throwing. */
export function problemJson(c: Context, problem: HttpProblem): Response {
  const headers = new Headers(problem.headers);
  headers.set('Content-Type', 'application/problem+json');
  return c.body(JSON.stringify(problem.toJSON()), problem.status, Object.fromEntries(headers));
}

/**
 * 400 `validation_failed`, listing every failing field with its dotted path. zod reports unknown keys as one
 * issue on the enclosing object; each key becomes its own entry (`{ path: 'extra', message: 'is not a known field' }`).
 */
export function validationProblem(error: z.ZodError): HttpProblem {
  const errors = error.issues.flatMap((issue): ProblemFieldError[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: dottedPath(issue.path), message: issue.message }];
    // A hook that already split the keys (one key, path ending in it) keeps its own message.
    const [onlyKey] = issue.keys;
    const alreadySplit = issue.keys.length === 1 && issue.path.at(-1) === onlyKey && issue.message !== `Unrecognized key: "${onlyKey}"`;
    if (alreadySplit) return [{ path: dottedPath(issue.path), message: issue.message }];
    return issue.keys.map((key) => ({ path: dottedPath([...issue.path, key]), message: 'is not a known field' }));
  });
  return new HttpProblem({ status: 400, code: 'validation_failed', detail: 'The request is invalid; see errors for each failing field.', errors });
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

/** Codes for statuses raised as plain `HTTPException`s (by Hono, zod-openapi or other middleware). */
const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  411: 'length_required',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_content',
  429: 'too_many_requests',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const REASON_PHRASES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
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
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
  const detail = status < 500 && exception.message !== '' ? exception.message : reasonPhrase(status);
  return new HttpProblem({ status, code, detail, headers });
}

/** 400 `invalid_json`: the body could not be parsed. */
export function invalidJsonProblem(): HttpProblem {
  return new HttpProblem({ status: 400, code: 'invalid_json', detail: 'The request body is not valid JSON.' });
}
