import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid, check } from 'drizzle-orm/pg-core';

/** The statuses a task can be in; the database enforces the same list with a CHECK constraint. */
export const taskStatuses = ['todo', 'in_progress', 'done'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/**
 * One row per task, owned by exactly one user (`user_id`, the token's subject). Row-level security
 * (migration `rls`) lets a request see only the rows of the subject it runs for.
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
    check('tasks_description_length_check', sql`${table.description} is null or char_length(${table.description}) <= 5000`),
  ],
);

/** The schema object handed to `openDatabase`. */
export const tasksSchema = { tasks };
