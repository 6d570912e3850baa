import { problemTitleForStatus } from './status-codes.ts';

/** The media type of every error answer (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** At most this many entries of `errors` are answered; `errorsOmitted` counts the rest. */
export const MAX_PROBLEM_ERRORS = 20;
/** A `path` or `message` of `errors` is cut to this many characters: a key of the request is echoed in `path`. */
const MAX_ERROR_TEXT = 200;

/** One failing field of a validation problem: a dotted path (`tags.0`) and what is wrong with it. */
export type ProblemFieldError = { path: string; message: string };

/** What a problem says; {@link problemBody} fills in the rest. */
export type ProblemDetails = {
  /** HTTP status code of the response. */
  status: number;
  /** Stable, machine-readable code clients switch on, e.g. `validation_failed`. */
  code: string;
  /** Human-readable explanation of this occurrence; never internals (SQL, stacks, tokens). */
  detail: string;
  /** Short summary of the problem type. Default: the status's reason phrase. */
  title?: string;
  /** URI identifying the problem type. Default `about:blank` (RFC 9457 §4.2.1). */
  type?: string;
  /** The failing fields, for validation problems; capped at {@link MAX_PROBLEM_ERRORS}. */
  errors?: readonly ProblemFieldError[];
  /** Extension members (RFC 9457 §3.2), e.g. `checks` of `/readyz`; never override the standard ones. */
  extensions?: Readonly<Record<string, unknown>>;
};

/** The JSON body of an `application/problem+json` answer. */
export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemFieldError[];
  /** How many failing fields were left out of `errors`, when there were more than {@link MAX_PROBLEM_ERRORS}. */
  errorsOmitted?: number;
  [extension: string]: unknown;
};

/**
 * The body of a problem, as every Tessera service answers it: `{ type, title, status, detail, code }`, with
 * `errors` for validation. The list is capped, so a request of thousands of unknown fields gets a small answer.
 */
export function problemBody(problem: ProblemDetails): ProblemBody {
  const body: ProblemBody = {
    ...problem.extensions,
    type: problem.type ?? 'about:blank',
    title: problem.title ?? problemTitleForStatus(problem.status),
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
  // An extension member must not bring in an uncapped list of its own.
  delete body.errors;
  delete body.errorsOmitted;
  if (problem.errors !== undefined) {
    body.errors = problem.errors
      .slice(0, MAX_PROBLEM_ERRORS)
      .map(({ path, message }) => ({ path: cut(path), message: cut(message) }));
    if (problem.errors.length > MAX_PROBLEM_ERRORS) body.errorsOmitted = problem.errors.length - MAX_PROBLEM_ERRORS;
  }
  return body;
}

/** A problem ready to write with any framework: its status, its headers (`Content-Type` included) and its JSON. */
export type ProblemAnswer = { status: number; headers: Record<string, string>; body: string };

/** The whole answer for a problem; `headers` (e.g. `WWW-Authenticate`, `Retry-After`) are added to it. */
export function problemAnswer(problem: ProblemDetails, headers: Readonly<Record<string, string>> = {}): ProblemAnswer {
  const answerHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (name.toLowerCase() !== 'content-type') answerHeaders[name] = value;
  answerHeaders['Content-Type'] = PROBLEM_CONTENT_TYPE;
  return { status: problem.status, headers: answerHeaders, body: JSON.stringify(problemBody(problem)) };
}

function cut(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}
