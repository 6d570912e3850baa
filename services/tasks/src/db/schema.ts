import { sql } from 'drizzle-orm';
import { check, index, pgPolicy, pgRole, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The statuses a task can be in; the database enforces the same list with a CHECK constraint. */
export const taskStatuses = ['todo', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * The role every request runs as, inside `withSubject` from `@tessera/db`: it can't bypass row-level security.
 * Migration `0001_rls` creates it (roles are cluster-wide, so it may exist already) with its grants.
 */
export const tasksAppRole = pgRole('tessera_tasks_app').existing();

/** The subject a request runs for, as `withSubject` sets it: `app.user_id`, transaction-local. */
const currentSubject = sql`current_setting('app.user_id', true)`;

/**
 * One row per task, owned by exactly one user (`user_id`, the token's subject). Row-level security lets the app
 * role see and write only the rows of the subject it runs for; `0001_rls` also forces it on the table's owner.
 * Timestamps keep Postgres's microsecond precision; the list cursor carries them as text so keyset
 * pagination compares exactly what is stored.
 */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    status: text('status', { enum: taskStatuses }).notNull().default('todo'),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    index('tasks_user_id_created_at_id_idx').on(table.userId, table.createdAt, table.id),
    check('tasks_user_id_check', sql`${table.userId} <> ''`),
    check('tasks_status_check', sql`${table.status} in ('todo', 'in_progress', 'done')`),
    check('tasks_title_length_check', sql`char_length(${table.title}) between 1 and 200`),
    check(
      'tasks_description_length_check',
      sql`${table.description} is null or char_length(${table.description}) <= 5000`,
    ),
    pgPolicy('tasks_subject', {
      for: 'all',
      to: tasksAppRole,
      using: sql`${table.userId} = ${currentSubject}`,
      withCheck: sql`${table.userId} = ${currentSubject}`,
    }),
  ],
).enableRLS();

/** The schema object handed to `openDatabase`. */
export const tasksSchema = { tasks };
