import type { TasksDatabase, TasksDb } from '../db/database.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/database-errors.ts';
import type { TaskStatus } from '../db/schema.ts';
import { runStatement, type ResultRow } from '../db/run-statement.ts';
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

/**
 * The statements: one call each of the subject-scoped SQL functions of migration `0002_subject_functions` (`tasks_list`
 * as replaced by `0003_list_formats_the_page_only`), whose
 * first parameter is always the subject. Each function enters the subject's scope (role `tessera_tasks_app`,
 * `app.user_id`) and runs one query that carries `user_id = subject`; they return the task columns in the order
 * {@link toTask} reads, timestamps as UTC ISO 8601 text with all six fraction digits, so the API shows and the
 * cursor compares exactly the stored value (a JS `Date` would round it to milliseconds).
 */
const statements = {
  list: 'select * from tasks_list($1, $2, $3, $4, $5)',
  get: 'select * from tasks_get($1, $2)',
  create: 'select * from tasks_create($1, $2, $3, $4, $5)',
  update: 'select * from tasks_update($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
  delete: 'select * from tasks_delete($1, $2)',
} as const;

/**
 * `list` and `get` only read: they run on the read pool, where they may be pipelined (see `runStatement`). The
 * others write, on the write pool.
 */
const READ = { readOnly: true } as const;
const WRITE = { readOnly: false } as const;

/** Where the statements run: writes on `db`, reads on `reads` (the same handle on PGlite). */
export type TaskPools = Pick<TasksDatabase, 'db' | 'reads'>;

/** A row of the task columns, in the functions' order, as a task. */
function toTask(row: ResultRow): Task {
  const [id, userId, title, description, status, dueAt, createdAt, updatedAt] = row as [string, string, string, string | null, TaskStatus, string | null, string, string];
  return { id, userId, title, description, status, dueAt, createdAt, updatedAt };
}

/**
 * All access to tasks, for one subject (a user id). Every query carries `user_id = subject` and runs in
 * its own transaction as the row-level-security role with `app.user_id = subject` (the SQL functions of
 * `0002_subject_functions`): two independent locks, so a mistake in one is still caught by the other.
 * There is deliberately no unscoped method and no public constructor.
 */
export class TaskRepository {
  readonly #writes: TasksDb;
  readonly #reads: TasksDb;
  readonly #subject: string;
  readonly #deadlineMs: number;

  private constructor({ db, reads }: TaskPools, subject: string, { deadlineMs = 8_000 }: TaskRepositoryOptions) {
    this.#writes = db;
    this.#reads = reads;
    this.#subject = subject;
    this.#deadlineMs = deadlineMs;
  }

  /** The repository of `subject`'s tasks: the only way to reach the `tasks` table. */
  static forSubject(pools: TaskPools, subject: string, options: TaskRepositoryOptions = {}): TaskRepository {
    if (subject.trim() === '') throw new TypeError('TaskRepository.forSubject needs a non-empty subject');
    return new TaskRepository(pools, subject, options);
  }

  /** A page of the subject's tasks ordered by `(createdAt, id)`, with the cursor of the next page. */
  async list({ status, limit, after }: ListTasksQuery): Promise<TaskPage> {
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#run(statements.list, [status ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1], READ);
    const items = rows.slice(0, limit).map(toTask);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** The subject's task with this id, or `null` (also when it belongs to someone else). */
  async get(id: string): Promise<Task | null> {
    const [row] = await this.#run(statements.get, [id], READ);
    return row === undefined ? null : toTask(row);
  }

  /** Creates a task owned by the subject. */
  async create(input: NewTask): Promise<Task> {
    const [row] = await this.#run(statements.create, [input.title, input.description ?? null, input.status ?? 'todo', input.dueAt ?? null], WRITE);
    if (row === undefined) throw new Error('insert returned no row');
    return toTask(row);
  }

  /** Applies a partial update to the subject's task; `null` when there is no such task for the subject. */
  async update(id: string, patch: TaskPatch): Promise<Task | null> {
    // Field by field, so nothing else (an owner, a timestamp) can ride along. A field is changed when it is
    // present, also to null; absent (undefined) leaves it as it is.
    const { title, description, status, dueAt } = patch;
    if ([title, description, status, dueAt].every((value) => value === undefined)) throw new TypeError('TaskRepository.update needs at least one field');
    const [row] = await this.#run(statements.update, [
      id,
      title !== undefined,
      title ?? null,
      description !== undefined,
      description ?? null,
      status !== undefined,
      status ?? null,
      dueAt !== undefined,
      dueAt ?? null,
    ], WRITE);
    return row === undefined ? null : toTask(row);
  }

  /** Deletes the subject's task; `false` when there is no such task for the subject. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.#run(statements.delete, [id], WRITE);
    return rows.length > 0;
  }

  /**
   * Runs one of the statements with the subject as its first parameter, within the deadline, and turns "the
   * database is not there" into one error type.
   */
  async #run(statement: string, params: readonly unknown[], { readOnly }: { readOnly: boolean }): Promise<ResultRow[]> {
    try {
      const pool = readOnly ? this.#reads : this.#writes;
      return await runStatement(pool, statement, [this.#subject, ...params], { deadlineMs: this.#deadlineMs, readOnly });
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError('the database is unavailable', { cause: error });
      throw error;
    }
  }
}
