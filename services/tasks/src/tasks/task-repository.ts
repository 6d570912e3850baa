import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { TasksDb } from '../db/database.ts';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/database-errors.ts';
import { tasks, type TaskStatus } from '../db/schema.ts';
import { runInSubjectScope, toStatement, type ResultRow, type Statement, type StatementValues } from '../db/scoped-statement.ts';
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

/** A row selected or returned as {@link taskColumns}, in that order, as a task. */
function toTask(row: ResultRow): Task {
  const [id, userId, title, description, status, dueAt, createdAt, updatedAt] = row as [string, string, string, string | null, TaskStatus, string | null, string, string];
  return { id, userId, title, description, status, dueAt, createdAt, updatedAt };
}

const subjectParam = sql.placeholder('subject');
const idParam = sql.placeholder('id');

/** The first lock: the explicit filter every query carries (row-level security is the second). */
const owned = eq(tasks.userId, subjectParam);

/** The fixed statements, built once per database handle (the text is the same for both drivers). */
function buildStatements(db: TasksDb) {
  const page = (byStatus: boolean, afterCursor: boolean) =>
    toStatement(
      db
        .select(taskColumns)
        .from(tasks)
        .where(
          and(
            owned,
            byStatus ? eq(tasks.status, sql.placeholder('status')) : undefined,
            afterCursor ? sql`(${tasks.createdAt}, ${tasks.id}) > (${sql.placeholder('afterCreatedAt')}::timestamptz, ${sql.placeholder('afterId')}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(tasks.createdAt), asc(tasks.id))
        // One extra row tells whether another page exists without a count query.
        .limit(sql.placeholder('limit')),
    );
  return {
    // Separate texts rather than `($status is null or …)`, so the keyset condition stays an index condition.
    list: { all: page(false, false), byStatus: page(true, false), after: page(false, true), byStatusAfter: page(true, true) },
    get: toStatement(db.select(taskColumns).from(tasks).where(and(owned, eq(tasks.id, idParam)))),
    create: toStatement(
      db
        .insert(tasks)
        .values({ userId: subjectParam, title: sql.placeholder('title'), description: sql.placeholder('description'), status: sql.placeholder('status'), dueAt: sql.placeholder('dueAt') })
        .returning(taskColumns),
    ),
    delete: toStatement(db.delete(tasks).where(and(owned, eq(tasks.id, idParam))).returning({ id: tasks.id })),
  };
}

type Statements = ReturnType<typeof buildStatements>;
const statementsByDb = new WeakMap<TasksDb, Statements>();

function statementsFor(db: TasksDb): Statements {
  let statements = statementsByDb.get(db);
  if (statements === undefined) statementsByDb.set(db, (statements = buildStatements(db)));
  return statements;
}

/**
 * All access to tasks, for one subject (a user id). Every query carries `user_id = subject` and runs in
 * one transaction as the row-level-security role with `app.user_id = subject` (see `runInSubjectScope`):
 * two independent locks, so a mistake in one is still caught by the other.
 * There is deliberately no unscoped method and no public constructor.
 */
export class TaskRepository {
  readonly #db: TasksDb;
  readonly #subject: string;
  readonly #statements: Statements;
  readonly #statementTimeoutMs: number;
  readonly #deadlineMs: number;

  private constructor(db: TasksDb, subject: string, { statementTimeoutMs = 5_000, deadlineMs = 8_000 }: TaskRepositoryOptions) {
    this.#db = db;
    this.#subject = subject;
    this.#statements = statementsFor(db);
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
    const { list } = this.#statements;
    const statement = status === undefined ? (after === undefined ? list.all : list.after) : after === undefined ? list.byStatus : list.byStatusAfter;
    const rows = await this.#run(statement, { status, limit: limit + 1, afterCreatedAt: after?.createdAt, afterId: after?.id });
    const items = rows.slice(0, limit).map(toTask);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** The subject's task with this id, or `null` (also when it belongs to someone else). */
  async get(id: string): Promise<Task | null> {
    const [row] = await this.#run(this.#statements.get, { id });
    return row === undefined ? null : toTask(row);
  }

  /** Creates a task owned by the subject. */
  async create(input: NewTask): Promise<Task> {
    const [row] = await this.#run(this.#statements.create, {
      title: input.title,
      description: input.description ?? null,
      status: input.status ?? 'todo',
      dueAt: input.dueAt ?? null,
    });
    if (row === undefined) throw new Error('insert returned no row');
    return toTask(row);
  }

  /** Applies a partial update to the subject's task; `null` when there is no such task for the subject. */
  async update(id: string, patch: TaskPatch): Promise<Task | null> {
    // Picked field by field so nothing else (an owner, a timestamp) can ride along; drizzle skips `undefined`.
    const changes = { title: patch.title, description: patch.description, status: patch.status, dueAt: patch.dueAt };
    if (Object.values(changes).every((value) => value === undefined)) throw new TypeError('TaskRepository.update needs at least one field');
    // Which columns change varies per call, so this one statement is built per call.
    const statement = toStatement(
      this.#db
        .update(tasks)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(owned, eq(tasks.id, idParam)))
        .returning(taskColumns),
    );
    const [row] = await this.#run(statement, { id });
    return row === undefined ? null : toTask(row);
  }

  /** Deletes the subject's task; `false` when there is no such task for the subject. */
  async delete(id: string): Promise<boolean> {
    const rows = await this.#run(this.#statements.delete, { id });
    return rows.length > 0;
  }

  /**
   * Runs one statement in the subject's transaction (the subject fills its `subject` placeholder) and turns "the
   * database is not there" into one error type.
   */
  async #run(statement: Statement, values: StatementValues): Promise<ResultRow[]> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new AbortController();
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new DatabaseUnavailableError(`the database did not answer within ${this.#deadlineMs} ms`);
        gaveUp.abort(error);
        reject(error);
      }, this.#deadlineMs);
    });
    try {
      const scoped = runInSubjectScope(this.#db, this.#subject, statement, { ...values, subject: this.#subject }, {
        statementTimeoutMs: this.#statementTimeoutMs,
        signal: gaveUp.signal,
      });
      return await Promise.race([scoped, deadline]);
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) throw error;
      if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError('the database is unavailable', { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
