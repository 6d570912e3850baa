import { sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { TasksDb } from './database.ts';

/** The role every request runs as; created by migration `0001_rls`. It cannot bypass row-level security. */
const appRole = 'tessera_tasks_app';

/** A transaction handle whose every statement runs as {@link appRole}, bound to one subject. */
export type SubjectTransaction = Parameters<Parameters<TasksDb['transaction']>[0]>[0];

/** Options of {@link inSubjectScope}. */
export type SubjectScopeOptions = {
  /** Server-side limit for each statement, in milliseconds, so a stuck query fails instead of hanging. Default 5000. */
  statementTimeoutMs?: number;
};

/**
 * The statement that opens a subject's scope: `set_config(…, true)` is `SET LOCAL`, and `set_config('role', …)` is
 * `SET LOCAL ROLE`, all three in one statement. Values or placeholders (for a statement built once).
 */
export function subjectScopeSql(subject: string | Placeholder, statementTimeoutMs: string | Placeholder): SQL {
  return sql`select set_config('role', ${appRole}, true), set_config('app.user_id', ${subject}, true), set_config('statement_timeout', ${statementTimeoutMs}, true)`;
}

/**
 * Runs `work` in ONE transaction that first switches to {@link appRole} and sets `app.user_id` to `subject`,
 * both transaction-local (`set_config(..., true)` is `SET LOCAL`), so nothing leaks to the next user of
 * the pooled connection. Row-level security then limits every statement inside to the subject's rows,
 * even one that forgets its `where user_id = …`. Any error rolls the whole transaction back.
 */
export async function inSubjectScope<T>(
  db: TasksDb,
  subject: string,
  work: (tx: SubjectTransaction) => Promise<T>,
  { statementTimeoutMs = 5_000 }: SubjectScopeOptions = {},
): Promise<T> {
  if (subject === '') throw new TypeError('A subject scope needs a non-empty subject');
  return db.transaction(async (tx) => {
    await tx.execute(subjectScopeSql(subject, String(statementTimeoutMs)));
    return work(tx);
  });
}
