import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { TasksDb } from './database.ts';

/** A result row in column order (`select a, b` → `[a, b]`): no per-row mapping by the driver. */
export type ResultRow = readonly unknown[];

/** Options of {@link runStatement}. */
export type RunStatementOptions = {
  /**
   * The caller gave up (its deadline passed). A statement still waiting to be sent then leaves the queue unsent,
   * rather than writing after the client was already told 503. One already sent runs to its end or to the
   * pool's `statement_timeout`; being one transaction, it is written whole or not at all.
   */
  signal?: AbortSignal;
  /**
   * The statement only reads. A read may be pipelined behind others on a busy connection: sent late, it changes
   * nothing. A write is sent only to a connection with nothing else in flight. Default false.
   */
  readOnly?: boolean;
};

/** How many statements may be in flight on one connection when all of them are reads. */
const READ_PIPELINE_DEPTH = 8;

type Waiter = { readOnly: boolean; admit: () => void };

/**
 * Decides when a statement is sent, so that nothing is sent that can't be taken back. postgres-js puts a
 * statement on an idle connection if it has one, opens one if it may, and otherwise pipelines it onto a busy
 * one, where nothing can recall it. So:
 * - a write is admitted only while fewer statements are in flight than the pool has connections: one of them is
 *   then idle and takes it at once;
 * - reads are admitted up to {@link READ_PIPELINE_DEPTH} per connection: pipelining lets a few connections carry
 *   the load, with one write and one wake-up on each side for several statements;
 * - the others wait here, first come first served (a waiting write holds back the reads behind it), and a
 *   caller that gives up leaves the queue unsent.
 * Other users of the pool, the readiness ping, are not counted: at worst a write goes out behind a `select 1`.
 * (postgres-js's `reserve()` would give a statement a connection of its own, but it hangs on a new connection
 * once `fetch_types` is off: see `@tessera/db`.)
 */
class Admission {
  readonly #connections: number;
  #inFlight = 0;
  readonly #waiting: Waiter[] = [];

  constructor(connections: number) {
    this.#connections = connections;
  }

  /** Resolves once the statement may be sent; rejects with the signal's reason if the caller gives up first. */
  enter(readOnly: boolean, signal: AbortSignal | undefined): Promise<void> | undefined {
    if (this.#waiting.length === 0 && this.#fits(readOnly)) {
      this.#inFlight += 1;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        readOnly,
        admit: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal?.reason);
        // A write that leaves from the head of the queue may have been holding reads back.
        this.#admitWaiting();
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** The statement has its answer: its place goes to whoever waits next, if they fit. */
  exit(): void {
    this.#inFlight -= 1;
    this.#admitWaiting();
  }

  #fits(readOnly: boolean): boolean {
    return this.#inFlight < (readOnly ? this.#connections * READ_PIPELINE_DEPTH : this.#connections);
  }

  #admitWaiting(): void {
    for (let next = this.#waiting[0]; next !== undefined && this.#fits(next.readOnly); next = this.#waiting[0]) {
      this.#waiting.shift();
      this.#inFlight += 1;
      next.admit();
    }
  }
}

type Driver = { kind: 'postgres'; client: Sql; admission: Admission } | { kind: 'pglite'; client: PGlite };
const drivers = new WeakMap<TasksDb, Driver>();

/** The driver under a drizzle database (`$client`, which drizzle keeps on every database it builds). */
function driverOf(db: TasksDb): Driver {
  let driver = drivers.get(db);
  if (driver === undefined) {
    const client = (db as TasksDb & { $client: Sql | PGlite }).$client;
    driver = 'unsafe' in client && 'options' in client
      ? { kind: 'postgres', client: client as Sql, admission: new Admission((client as Sql).options.max) }
      : { kind: 'pglite', client: client as PGlite };
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
export async function runStatement(db: TasksDb, text: string, params: readonly unknown[], { signal, readOnly = false }: RunStatementOptions = {}): Promise<ResultRow[]> {
  signal?.throwIfAborted();
  const driver = driverOf(db);
  if (driver.kind === 'pglite') {
    // In-process, one connection: no pool to wait for, so nothing to check after waiting.
    return (await driver.client.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
  }
  await driver.admission.enter(readOnly, signal);
  try {
    return (await driver.client.unsafe(text, params as never[], { prepare: true }).values()) as unknown as ResultRow[];
  } finally {
    driver.admission.exit();
  }
}
