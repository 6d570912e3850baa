import type { PGlite } from '@electric-sql/pglite';
import { fillPlaceholders, sql, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import type { TasksDb } from './database.ts';
import { subjectScopeSql, type SubjectScopeOptions } from './subject-scope.ts';

/**
 * One SQL statement, its text built once by drizzle from the schema, with `sql.placeholder(name)` for the values
 * that change per call. Building a query with drizzle's builders costs more CPU than running it on a warm
 * Postgres connection, so the repository builds its fixed statements at load and only fills in values per call.
 */
export type Statement = { readonly text: string; readonly params: readonly unknown[] };

/** Values for a statement's placeholders, by name. */
export type StatementValues = Record<string, unknown>;

/** A result row in column order (`select a, b` → `[a, b]`): no per-row mapping by the driver. */
export type ResultRow = readonly unknown[];

const dialect = new PgDialect();

/** The text and parameters of a drizzle query (a builder or a `sql` template), placeholders left in. */
export function toStatement(query: SQLWrapper): Statement {
  const { sql, params } = dialect.sqlToQuery(query.getSQL());
  return { text: sql, params };
}

const scopeStatement = toStatement(subjectScopeSql(sql.placeholder('subject'), sql.placeholder('statementTimeoutMs')));

/** Options of {@link runInSubjectScope}: those of a subject scope, and when the caller gives up. */
export type ScopedStatementOptions = SubjectScopeOptions & {
  /**
   * The caller gave up (its deadline passed): checked once a connection is in hand, so a call that waited in the
   * pool's queue past its deadline sends nothing, rather than writing after the client was already told 503.
   */
  signal?: AbortSignal;
};

type Driver = { kind: 'postgres'; client: Sql } | { kind: 'pglite'; client: PGlite };
const drivers = new WeakMap<TasksDb, Driver>();

/** The driver under a drizzle database (`$client`, which drizzle keeps on every database it builds). */
function driverOf(db: TasksDb): Driver {
  let driver = drivers.get(db);
  if (driver === undefined) {
    const client = (db as TasksDb & { $client: Sql | PGlite }).$client;
    driver = 'reserve' in client && typeof client.reserve === 'function' ? { kind: 'postgres', client: client as Sql } : { kind: 'pglite', client: client as PGlite };
    drivers.set(db, driver);
  }
  return driver;
}

/**
 * Runs ONE statement in a subject's scope (see `inSubjectScope`: one transaction, `SET LOCAL ROLE` to the
 * row-level-security role and `app.user_id = subject`, set before the statement runs) and returns its rows.
 *
 * On Postgres the four messages (`begin`, the scope, the statement, `commit`) go out in one write on one reserved
 * connection and are answered in one round trip, instead of four, once that connection has prepared the scope and
 * the statement: the first time, postgres-js describes each parameterized one first and waits for the answer. Postgres runs them in order: the statement
 * starts only after the scope is set, and if the scope fails the transaction is aborted, so the statement fails
 * too (SQLSTATE 25P02) and `commit` rolls back. Taking exactly one statement is what makes sending `commit`
 * before the statement's answer safe: nothing else can run in the transaction after it.
 */
export async function runInSubjectScope(
  db: TasksDb,
  subject: string,
  statement: Statement,
  values: StatementValues,
  { statementTimeoutMs = 5_000, signal }: ScopedStatementOptions = {},
): Promise<ResultRow[]> {
  if (subject === '') throw new TypeError('A subject scope needs a non-empty subject');
  const scopeParams = fillPlaceholders(scopeStatement.params as unknown[], { subject, statementTimeoutMs: String(statementTimeoutMs) });
  const params = fillPlaceholders(statement.params as unknown[], values);
  const driver = driverOf(db);
  if (driver.kind === 'pglite') {
    // In-process: no round trips to save, so an ordinary transaction.
    signal?.throwIfAborted();
    return driver.client.transaction(async (tx) => {
      await tx.query(scopeStatement.text, scopeParams);
      return (await tx.query<unknown[]>(statement.text, params, { rowMode: 'array' })).rows;
    });
  }
  const connection = await driver.client.reserve();
  if (signal?.aborted) {
    // The wait for a free connection outlasted the caller's deadline: the caller has answered already.
    connection.release();
    throw signal.reason;
  }
  // `execute()` queues each query now, in this order; postgres-js writes them together on the next turn.
  const pipeline = [
    connection.unsafe('begin').execute(),
    connection.unsafe(scopeStatement.text, scopeParams as never[]).execute(),
    connection.unsafe(statement.text, params as never[]).values().execute(),
    connection.unsafe('commit').execute(),
  ];
  const settled = await Promise.allSettled(pipeline);
  const failures = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  // postgres-js 3.4 puts a released connection back in the pool even when it has closed meanwhile, and its next
  // query then crashes the process; a closed connection is already back in the pool's reconnect queue.
  if (!failures.some(isConnectionLoss)) connection.release();
  // The first failure is the cause; later ones (25P02 "transaction is aborted") only follow from it.
  if (failures.length > 0) throw failures[0];
  const rows = settled[2];
  return rows?.status === 'fulfilled' ? (rows.value as unknown as ResultRow[]) : [];
}

/** postgres-js's own connection errors (`CONNECTION_CLOSED`, …) and socket errors (`ECONNRESET`, …). */
function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return 'errno' in error || (typeof code === 'string' && code.startsWith('CONNECTION_'));
}
