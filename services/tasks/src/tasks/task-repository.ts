import { type SubjectScopeOptions, type SubjectTransaction, withSubject } from '@tessera/db';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { TasksDatabase, TasksSchema } from '../db/database.ts';
import { type TaskStatus, tasks, tasksAppRole } from '../db/schema.ts';
import { encodeCursor, type ListPosition } from './cursor.ts';
import type { NewTask, Task, TaskPage, TaskPatch } from './task.ts';

/** Options of {@link TaskRepository.forSubject}. */
export type TaskRepositoryOptions = {
  /** How long a call may take in all before it fails as unavailable, in milliseconds. Default 8000. */
  deadlineMs?: number;
};

/** What {@link TaskRepository.list} reads: at most `limit` tasks after `after`, oldest first. */
export type ListTasksQuery = {
  /** Only tasks with this status. */
  status?: TaskStatus | undefined;
  /** Page size, 1–200 (checked at the edge). */
  limit: number;
  /** Start strictly after this position (from a decoded cursor). */
  after?: ListPosition | undefined;
};

/** The scope every call runs in (`withSubject`): the role of the schema's policy, and `app.user_id`. */
export const tasksScope = { role: tasksAppRole.name } satisfies SubjectScopeOptions;

/**
 * A timestamp as UTC ISO 8601 with all six fraction digits, formatted by Postgres: the API shows, and the cursor
 * compares, exactly the stored value (a JS `Date` would round it to milliseconds).
 */
function utcIso(column: PgColumn): SQL<string> {
  return sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The columns of a {@link Task}, in its order. */
const taskColumns = {
  id: tasks.id,
  userId: tasks.userId,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  dueAt: utcIso(tasks.dueAt) as SQL<string | null>,
  createdAt: utcIso(tasks.createdAt),
  updatedAt: utcIso(tasks.updatedAt),
};

/**
 * All access to tasks, for one subject (a user id). Every call is one transaction in the subject's scope
 * (`withSubject`: the row-level-security role, `app.user_id = subject`), and every query in it also carries
 * `user_id = subject`: two independent locks, so a mistake in one is still caught by the other.
 * There is deliberately no unscoped method and no public constructor.
 */
export class TaskRepository {
  readonly #db: TasksDatabase['db'];
  readonly #subject: string;
  readonly #deadlineMs: number;

  private constructor(
    { db }: Pick<TasksDatabase, 'db'>,
    subject: string,
    { deadlineMs = 8_000 }: TaskRepositoryOptions,
  ) {
    this.#db = db;
    this.#subject = subject;
    this.#deadlineMs = deadlineMs;
  }

  /** The repository of `subject`'s tasks: the only way to reach the `tasks` table. */
  static forSubject(
    database: Pick<TasksDatabase, 'db'>,
    subject: string,
    options: TaskRepositoryOptions = {},
  ): TaskRepository {
    if (subject.trim() === '') throw new TypeError('TaskRepository.forSubject needs a non-empty subject');
    return new TaskRepository(database, subject, options);
  }

  /** A page of the subject's tasks ordered by `(createdAt, id)`, with the cursor of the next page. */
  async list({ status, limit, after }: ListTasksQuery): Promise<TaskPage> {
    const rows = await this.#inScope((tx) =>
      tx
        .select(taskColumns)
        .from(tasks)
        .where(
          and(
            this.#owned(),
            status === undefined ? undefined : eq(tasks.status, status),
            // Keyset pagination: a row comparison the (user_id, created_at, id) index serves.
            after === undefined
              ? undefined
              : sql`(${tasks.createdAt}, ${tasks.id}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
          ),
        )
        .orderBy(tasks.createdAt, tasks.id)
        // One extra row tells whether another page exists without a count query.
        .limit(limit + 1),
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** The subject's task with this id, or `null` (also when it belongs to someone else). */
  async get(id: string): Promise<Task | null> {
    const [task] = await this.#inScope((tx) =>
      tx
        .select(taskColumns)
        .from(tasks)
        .where(and(this.#owned(), eq(tasks.id, id))),
    );
    return task ?? null;
  }

  /** Creates a task owned by the subject. */
  async create(input: NewTask): Promise<Task> {
    const [task] = await this.#inScope((tx) =>
      tx
        .insert(tasks)
        .values({
          userId: this.#subject,
          title: input.title,
          description: input.description ?? null,
          status: input.status ?? 'todo',
          dueAt: input.dueAt ?? null,
        })
        .returning(taskColumns),
    );
    if (task === undefined) throw new Error('insert returned no row');
    return task;
  }

  /** Applies a partial update to the subject's task; `null` when there is no such task for the subject. */
  async update(id: string, patch: TaskPatch): Promise<Task | null> {
    // Field by field, so nothing else (an owner, a timestamp) can ride along. A field is changed when it is
    // present, also to null; drizzle leaves an absent (undefined) one as it is.
    const { title, description, status, dueAt } = patch;
    if ([title, description, status, dueAt].every((value) => value === undefined))
      throw new TypeError('TaskRepository.update needs at least one field');
    const [task] = await this.#inScope((tx) =>
      tx
        .update(tasks)
        .set({ title, description, status, dueAt, updatedAt: sql`now()` })
        .where(and(this.#owned(), eq(tasks.id, id)))
        .returning(taskColumns),
    );
    return task ?? null;
  }

  /** Deletes the subject's task; `false` when there is no such task for the subject. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.#inScope((tx) =>
      tx
        .delete(tasks)
        .where(and(this.#owned(), eq(tasks.id, id)))
        .returning({ id: tasks.id }),
    );
    return deleted.length > 0;
  }

  /** The first lock: `user_id = subject`, in every query. */
  #owned(): SQL {
    return eq(tasks.userId, this.#subject);
  }

  /** Runs `work` in the subject's scope (the second lock), within the deadline. */
  #inScope<T>(work: (tx: SubjectTransaction<TasksSchema>) => Promise<T>): Promise<T> {
    return withSubject(this.#db, this.#subject, work, { ...tasksScope, deadlineMs: this.#deadlineMs });
  }
}
