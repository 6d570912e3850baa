import { sql } from 'drizzle-orm';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors.ts';
import type { AppDatabase } from './open-database.ts';

/** The transaction handle a unit of work gets: drizzle's, with every statement bound to one subject. */
export type SubjectTransaction<TSchema extends Record<string, unknown> = Record<string, never>> = Parameters<
  Parameters<AppDatabase<TSchema>['transaction']>[0]
>[0];

/** Options of {@link withSubject}. */
export type SubjectScopeOptions = {
  /**
   * The role the work runs as (`SET LOCAL ROLE`): one without `SUPERUSER` or `BYPASSRLS`, that the connecting user
   * may switch to (a member of it). Its row-level-security policies are the second lock.
   */
  role: string;
  /** The setting the policies read the subject from, `current_setting(<setting>, true)`. Default `app.user_id`. */
  setting?: string;
  /**
   * How long the caller waits, in milliseconds, before the call rejects with {@link DatabaseUnavailableError}. A
   * call that rejected this way never writes: work not begun by then never runs (a transaction that starts later
   * is rolled back before its first statement), and work under way is rolled back once it returns. Only after the
   * work has returned in time is `COMMIT` sent, and the call then waits for its answer whatever the deadline.
   * Default: no deadline.
   */
  deadlineMs?: number;
};

/** Thrown inside a transaction whose caller has given up, so that it rolls back; never reaches the caller. */
class CallerGaveUp extends Error {
  override readonly name = 'CallerGaveUp';
}

/**
 * Runs `work` in ONE transaction bound to `subject`: it first runs as `role` (`SET LOCAL ROLE`) with
 * `<setting> = subject`, both transaction-local, so nothing outlives the transaction on a pooled connection.
 * Row-level-security policies that compare a column with `current_setting('<setting>', true)` then limit every
 * statement of `work` to the subject's rows, also on PGlite, which runs as a superuser: the role switch is what
 * subjects it to the policies. Any error rolls the whole transaction back. A database that is down, out of
 * connections or too slow (the deadline) rejects with {@link DatabaseUnavailableError} (`database_unavailable`),
 * the original error in `cause`; other errors, row-level-security refusals (42501) included, are rethrown as they are.
 */
export async function withSubject<TSchema extends Record<string, unknown>, T>(
  db: AppDatabase<TSchema>,
  subject: string,
  work: (tx: SubjectTransaction<TSchema>) => Promise<T>,
  { role, setting = 'app.user_id', deadlineMs }: SubjectScopeOptions,
): Promise<T> {
  if (subject === '') throw new TypeError('withSubject: the subject must be a non-empty string');
  if (role === '') throw new TypeError('withSubject: the role must be a non-empty string');
  if (deadlineMs !== undefined && !(Number.isInteger(deadlineMs) && deadlineMs >= 1)) {
    throw new TypeError('withSubject: deadlineMs must be a positive integer');
  }
  // `working` until the work has returned, `committing` once COMMIT may be on its way, `gave up` after the deadline.
  const call: { state: 'working' | 'committing' | 'gave up' } = { state: 'working' };
  const gaveUp = (): boolean => call.state === 'gave up';
  const transaction = db.transaction(async (tx) => {
    if (gaveUp()) throw new CallerGaveUp();
    await tx.execute(sql`select set_config('role', ${role}, true), set_config(${setting}, ${subject}, true)`);
    const result = await work(tx);
    if (gaveUp()) throw new CallerGaveUp();
    call.state = 'committing';
    return result;
  });
  if (deadlineMs === undefined) return transaction.catch(rethrowAsUnavailable);

  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (call.state !== 'working') return;
      call.state = 'gave up';
      reject(new DatabaseUnavailableError(`the database did not answer within ${deadlineMs} ms`));
    }, deadlineMs);
    transaction.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // After the deadline the caller has its answer already; this settles the abandoned transaction quietly.
        if (!gaveUp()) reject(asUnavailable(error));
      },
    );
  });
}

function asUnavailable(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isDatabaseUnavailable(error)) return error;
  return new DatabaseUnavailableError('the database is unavailable', { cause: error });
}

function rethrowAsUnavailable(error: unknown): never {
  throw asUnavailable(error);
}
