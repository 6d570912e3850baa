import { sql } from 'drizzle-orm';
import type { TasksDb } from './database.ts';

/** A transaction handle whose every statement runs as `tessera_tasks_app`, bound to one subject. */
export type SubjectTransaction = Parameters<Parameters<TasksDb['transaction']>[0]>[0];

/**
 * Runs `work` in ONE transaction that first enters `subject`'s scope with `tasks_enter_scope`, the SQL function
 * every repository statement starts with (migration `0002_subject_functions`): `SET LOCAL ROLE tessera_tasks_app`
 * and `app.user_id = subject`, both transaction-local, so nothing leaks to the next user of the pooled connection.
 * Row-level security then limits every statement inside to the subject's rows, even one that forgets its
 * `where user_id = …`. Any error rolls the whole transaction back.
 *
 * The repository does not use it (each of its calls is one statement); it is the way to run other statements
 * under exactly the repository's scope, which is how the tests prove that the second lock holds on its own.
 */
export async function inSubjectScope<T>(db: TasksDb, subject: string, work: (tx: SubjectTransaction) => Promise<T>): Promise<T> {
  if (subject === '') throw new TypeError('A subject scope needs a non-empty subject');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select tasks_enter_scope(${subject})`);
    return work(tx);
  });
}
