import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import { DatabaseUnavailableError } from './database-errors.ts';
import type { TasksDb } from './database.ts';

/** A result row in column order (`select a, b` → `[a, b]`): no per-row mapping by the driver. */
export type ResultRow = readonly unknown[];

/** Options of {@link runStatement}. */
export type RunStatementOptions = {
  /**
   * How long the caller waits for the answer, in milliseconds, before the call fails with
   * {@link DatabaseUnavailableError}. A statement still waiting to be sent then leaves the queue unsent, rather than
   * writing after the client was already told 503. One already sent runs to its end or to the pool's
   * `statement_timeout`; being one transaction, it is written whole or not at all. Default: no deadline.
   */
  deadlineMs?: number;
  /**
   * The statement only reads. A read may be pipelined behind others on a busy connection: sent late, it changes
   * nothing. A write is sent only to a connection with nothing else in flight. Default false.
   */
  readOnly?: boolean;
};

/**
 * One call's deadline, as the queue sees it: what to do when it passes (leave the queue), while the statement
 * waits there. A plain object and one timer per call: an `AbortController` and a `Promise.race` cost the tasks
 * service ~12% of its CPU per request under load (docs/decisions.md).
 */
type Deadline = { onPass: ((error: Error) => void) | undefined };

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
 *   statement whose deadline passes leaves the queue unsent.
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

  /** Resolves once the statement may be sent; rejects with the deadline's error if it passes first. */
  enter(readOnly: boolean, deadline: Deadline | undefined): Promise<void> | undefined {
    if (this.#waiting.length === 0 && this.#fits(readOnly)) {
      this.#inFlight += 1;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        readOnly,
        admit: () => {
          if (deadline !== undefined) deadline.onPass = undefined;
          resolve();
        },
      };
      if (deadline !== undefined) {
        deadline.onPass = (error) => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          reject(error);
          // A write that leaves from the head of the queue may have been holding reads back.
          this.#admitWaiting();
        };
      }
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
export function runStatement(db: TasksDb, text: string, params: readonly unknown[], { deadlineMs, readOnly = false }: RunStatementOptions = {}): Promise<ResultRow[]> {
  const driver = driverOf(db);
  if (deadlineMs === undefined) return execute(driver, text, params, readOnly, undefined);
  const deadline: Deadline = { onPass: undefined };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new DatabaseUnavailableError(`the database did not answer within ${deadlineMs} ms`);
      deadline.onPass?.(error);
      reject(error);
    }, deadlineMs);
    execute(driver, text, params, readOnly, deadline).then(
      (rows) => {
        clearTimeout(timer);
        resolve(rows);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function execute(driver: Driver, text: string, params: readonly unknown[], readOnly: boolean, deadline: Deadline | undefined): Promise<ResultRow[]> {
  if (driver.kind === 'pglite') {
    // In-process, on this thread: no pool to wait for, and no timer fires while a statement runs.
    return (await driver.client.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
  }
  await driver.admission.enter(readOnly, deadline);
  try {
    return (await driver.client.unsafe(text, params as never[], { prepare: true }).values()) as unknown as ResultRow[];
  } finally {
    driver.admission.exit();
  }
}
