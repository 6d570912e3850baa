import { DatabaseUnavailableError } from '@tessera/db';
import { bearerChallenge } from '@tessera/guard';
import { HttpProblem, problemJson, type ServerVariables } from '@tessera/server';
import type { Context } from 'hono';

/** Seconds a client should wait before retrying after a database fault. */
const databaseRetryAfterSeconds = 5;

/** 404 for a task that does not exist, is not the caller's, or whose id is malformed: all look the same. */
export function taskNotFound(): HttpProblem {
  return new HttpProblem({ status: 404, code: 'task_not_found', detail: 'There is no task with this id' });
}

/**
 * 503 for a database that is down or too slow. Reads can be retried as is. A write that failed in the database
 * changed nothing, but one cut off by the repository's deadline (or a connection lost after `commit` was sent)
 * may still have been applied: a retried create can then make a second task.
 */
function databaseUnavailable(): HttpProblem {
  return new HttpProblem({
    status: 503,
    code: 'database_unavailable',
    detail: 'The task database is unavailable; retry later',
    headers: { 'Retry-After': String(databaseRetryAfterSeconds) },
  });
}

/** 403 for a user token naming another user in `/v1/users/:userId/tasks`. */
export function otherUserForbidden(): HttpProblem {
  return new HttpProblem({
    status: 403,
    code: 'forbidden',
    detail: "A user token may only reach the caller's own tasks",
  });
}

/** 403 for a service token on a route whose subject would be the caller: a service has no tasks of its own. */
export function userSubjectRequired(): HttpProblem {
  return new HttpProblem({
    status: 403,
    code: 'user_subject_required',
    detail: 'This route acts on the caller as a user; service tokens must use /v1/users/{userId}/tasks',
  });
}

/** 403 `insufficient_scope` with the RFC 6750 §3 challenge naming the scope that would do. */
export function insufficientScope(scope: string): HttpProblem {
  const detail = `The token lacks a required scope: ${scope}`;
  return new HttpProblem({
    status: 403,
    code: 'insufficient_scope',
    detail,
    headers: { 'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', errorDescription: detail, scope }) },
  });
}

/**
 * `onError` of the tasks API: a database fault becomes 503 `database_unavailable` with `Retry-After`
 * (logged as a warning, without SQL); every other error is rethrown to the server's one `onError`.
 */
export function answerDatabaseFaults<E extends { Variables: ServerVariables }>(error: Error, c: Context<E>): Response {
  if (!(error instanceof DatabaseUnavailableError)) throw error;
  c.get('log').warn(
    { err: { code: error.code, message: error.message, cause: describeCause(error.cause) } },
    'database unavailable',
  );
  return problemJson(c, databaseUnavailable());
}

/** The driver's error code and message for the log line, never its query text or parameters. */
function describeCause(cause: unknown): { code?: unknown; message: string } | undefined {
  if (!(cause instanceof Error)) return undefined;
  const inner = cause.cause instanceof Error ? cause.cause : cause;
  return { code: (inner as { code?: unknown }).code, message: inner.message };
}
