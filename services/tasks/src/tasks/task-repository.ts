import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { TasksDb } from '../db/database.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/database-errors.ts';
import { tasks, type TaskStatus } from '../db/schema.ts';
import { inSubjectScope, type SubjectTransaction } from '../db/subject-scope.ts';
import { encodeCursor, type ListPosition } from './cursor.ts';
import type { NewTask, Task, TaskPage, TaskPatch } from './task.ts';

/** Options of {@link TaskRepository.forSubject}. */
export type TaskRepositoryOptions = {
  /** Per-statement limit enforced by the database, in milliseconds. Default 5000. */
  statementTimeoutMs?: number;
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

/**
 * A timestamp column as UTC ISO 8601 with all six fraction digits (`to_char` of NULL is NULL), so the API
 * shows and the cursor compares exactly the stored value; a JS `Date` would round it to milliseconds.
 */
function utcIso<T extends string | null = string>(column: PgColumn): SQL<T> {
  return sql<T>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const taskColumns = {
  id: tasks.id,
  userId: tasks.userId,
  title: tasks.title,
  description: tasks.description,
  status: tasks.status,
  dueAt: utcIso<string | null>(tasks.dueAt),
  createdAt: utcIso(tasks.createdAt),
  updatedAt: utcIso(tasks.updatedAt),
};

/**
 * All access to tasks, for one subject (a user id). Every query carries `user_id = subject` and runs in
 * one transaction as the row-level-security role with `app.user_id = subject` (see `inSubjectScope`):
 * two independent locks, so a mistake in one is still caught by the other.
 * There is deliberately no unscoped method and no public constructor.
 */
export class TaskRepository {
  readonly #db: TasksDb;
  readonly #subject: string;
  readonly #statementTimeoutMs: number;
  readonly #deadlineMs: number;

  private constructor(db: TasksDb, subject: string, { statementTimeoutMs = 5_000, deadlineMs = 8_000 }: TaskRepositoryOptions) {
    this.#db = db;
    this.#subject = subject;
    this.#statementTimeoutMs = statementTimeoutMs;
    this.#deadlineMs = deadlineMs;
  }

  /** The repository of `subject`'s tasks: the only way to reach the `tasks` table. */
  static forSubject(db: TasksDb, subject: string, options: TaskRepositoryOptions = {}): TaskRepository {
    if (subject.trim() === '') throw new TypeError('TaskRepository.forSubject needs a non-empty subject');
    return new TaskRepository(db, subject, options);
  }

  /** A page of the subject's tasks ordered by `(createdAt, id)`, with the cursor of the next page. */
  async list({ status, limit, after }: ListTasksQuery): Promise<TaskPage> {
    const rows = await this.#run((tx) =>
      tx
        .select(taskColumns)
        .from(tasks)
        .where(
          and(
            this.#owned(),
            status === undefined ? undefined : eq(tasks.status, status),
            after === undefined ? undefined : sql`(${tasks.createdAt}, ${tasks.id}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
          ),
        )
        .orderBy(asc(tasks.createdAt), asc(tasks.id))
        // One extra row tells whether another page exists without a count query.
        .limit(limit + 1),
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** The subject's task with this id, or `null` (also when it belongs to someone else). */
  async get(id: string): Promise<Task | null> {
    const [row] = await this.#run((tx) => tx.select(taskColumns).from(tasks).where(and(this.#owned(), eq(tasks.id, id))));
    return row ?? null;
  }

  /** Creates a task owned by the subject. */
  async create(input: NewTask): Promise<Task> {
    const [row] = await this.#run((tx) =>
      tx
        .insert(tasks)
        .values({ userId: this.#subject, title: input.title, description: input.description ?? null, status: input.status ?? 'todo', dueAt: input.dueAt ?? null })
        .returning(taskColumns),
    );
    if (row === undefined) throw new Error('insert returned no row');
    return row;
  }

  /** Applies a partial update to the subject's task; `null` when there is no such task for the subject. */
  async update(id: string, patch: TaskPatch): Promise<Task | null> {
    // Picked field by field so nothing else (an owner, a timestamp) can ride along; drizzle skips `undefined`.
    const changes = { title: patch.title, description: patch.description, status: patch.status, dueAt: patch.dueAt };
    if (Object.values(changes).every((value) => value === undefined)) throw new TypeError('TaskRepository.update needs at least one field');
    const [row] = await this.#run((tx) =>
      tx
        .update(tasks)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(this.#owned(), eq(tasks.id, id)))
        .returning(taskColumns),
    );
    return row ?? null;
  }

  /** Deletes the subject's task; `false` when there is no such task for the subject. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.#run((tx) => tx.delete(tasks).where(and(this.#owned(), eq(tasks.id, id))).returning({ id: tasks.id }));
    return rows.length > 0;
  }

  /** The first lock: the explicit filter every query carries (row-level security is the second). */
  #owned(): SQL {
    return eq(tasks.userId, this.#subject);
  }

  /** Runs `work` in the subject's transaction and turns "the database is not there" into one error type. */
  async #run<T>(work: (tx: SubjectTransaction) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailableError(`the database did not answer within ${this.#deadlineMs} ms`)), this.#deadlineMs);
    });
    try {
      return await Promise.race([inSubjectScope(this.#db, this.#subject, work, { statementTimeoutMs: this.#statementTimeoutMs }), deadline]);
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError('the database is unavailable', { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
