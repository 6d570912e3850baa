import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { TasksDb } from './database.ts';

/** A result row in column order (`select a, b` → `[a, b]`): no per-row mapping by the driver. */
export type ResultRow = readonly unknown[];

/** Options of {@link runStatement}. */
export type RunStatementOptions = {
  /**
   * The caller gave up (its deadline passed). A statement still waiting for a free connection then leaves the
   * queue unsent, rather than writing after the client was already told 503. One already sent runs to its end
   * or to the pool's `statement_timeout`; being one transaction, it is written whole or not at all.
   */
  signal?: AbortSignal;
};

/**
 * Lets at most `size` statements be in flight at once, one per pooled connection; the rest wait here, in order,
 * where a caller that gives up can still leave. postgres-js would otherwise pipeline a statement onto a busy
 * connection, after which nothing can take it back. (postgres-js's `reserve()` did this before, but it hangs on a
 * new connection once `fetch_types` is off: see `@tessera/db`.) Other users of the pool, the readiness ping, are
 * not counted: at worst a statement goes out behind a `select 1`.
 */
class Admission {
  readonly #size: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Resolves once a connection is free for the caller; rejects with the signal's reason if it gives up first. */
  enter(signal: AbortSignal | undefined): Promise<void> | undefined {
    if (this.#inFlight < this.#size) {
      this.#inFlight += 1;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const admit = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        this.#waiting.splice(this.#waiting.indexOf(admit), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.#waiting.push(admit);
    });
  }

  /** Hands the caller's place to the next one waiting, or frees it. */
  exit(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#inFlight -= 1;
    else next();
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
export async function runStatement(db: TasksDb, text: string, params: readonly unknown[], { signal }: RunStatementOptions = {}): Promise<ResultRow[]> {
  signal?.throwIfAborted();
  const driver = driverOf(db);
  if (driver.kind === 'pglite') {
    // In-process, one connection: no pool to wait for, so nothing to check after waiting.
    return (await driver.client.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows;
  }
  await driver.admission.enter(signal);
  try {
    return (await driver.client.unsafe(text, params as never[], { prepare: true }).values()) as unknown as ResultRow[];
  } finally {
    driver.admission.exit();
  }
}
