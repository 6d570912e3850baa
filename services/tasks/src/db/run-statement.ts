import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { TasksDb } from './database.ts';

/** A result row in column order (`select a, b` → `[a, b]`): no per-row mapping by the driver. */
export type ResultRow = readonly unknown[];

/** Options of {@link runStatement}. */
export type RunStatementOptions = {
  /**
   * The caller gave up (its deadline passed): checked once a connection is in hand, so a statement that waited in
   * the pool's queue past its deadline is never sent, rather than writing after the client was already told 503.
   * One already sent runs to its end or to the pool's `statement_timeout`; being one transaction, it is written
   * whole or not at all.
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
 * Runs ONE parameterized statement (`$1`, `$2`, …) and returns its rows as arrays. One statement is one implicit
 * transaction: it is all written or not at all. On Postgres it is prepared once per pooled connection (a named
 * prepared statement, which a transaction-mode pooler must support) and then costs one Bind/Execute/Sync and one
 * answer. postgres-js's `unsafe()` does not prepare by default: it would send Parse and Describe, wait for the
 * parameter types, and only then Bind and Execute, so two round trips and a fresh parse and plan on every call.
 */
export async function runStatement(db: TasksDb, text: string, params: readonly unknown[], { signal }: RunStatementOptions = {}): Promise<ResultRow[]> {
  signal?.throwIfAborted();
  const driver = driverOf(db);
  if (driver.kind === 'pglite') {
    // In-process, one connection: no pool to wait for, so nothing to check after waiting.
    return (await driver.client.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
  }
  // A connection of its own rather than the pool's pipelining: until it has one, nothing is sent.
  const connection = await driver.client.reserve();
  if (signal?.aborted) {
    connection.release();
    throw signal.reason;
  }
  try {
    const rows = await connection.unsafe(text, params as never[], { prepare: true }).values();
    connection.release();
    return rows as unknown as ResultRow[];
  } catch (error) {
    // postgres-js 3.4 puts a released connection back in the pool even when it has closed meanwhile, and its next
    // query then crashes the process; a closed connection is already back in the pool's reconnect queue.
    if (!isConnectionLoss(error)) connection.release();
    throw error;
  }
}

/** postgres-js's own connection errors (`CONNECTION_CLOSED`, …) and socket errors (`ECONNRESET`, …). */
function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return 'errno' in error || (typeof code === 'string' && code.startsWith('CONNECTION_'));
}
