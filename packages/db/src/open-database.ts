import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '@tessera/config';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDirectory } from './directory-lock.ts';
import { pgliteMemoryTemplate } from './pglite-memory-template.ts';

/** Drizzle's common Postgres database type: both PGlite and postgres-js databases are assignable to it. */
export type AppDatabase<TSchema extends Record<string, unknown> = Record<string, never>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

/** An open database and what a service needs to run it: migrations, a readiness probe, shutdown. */
export type Database<TSchema extends Record<string, unknown> = Record<string, never>> = {
  db: AppDatabase<TSchema>;
  /** Which driver is underneath: `postgres` (postgres-js) or `pglite` (embedded). */
  kind: 'postgres' | 'pglite';
  /** Applies the drizzle-kit SQL migrations in `folder` (an absolute path) that have not run yet. */
  migrate(folder: string): Promise<void>;
  /** Runs `select 1`; rejects when the database is unreachable or does not answer within `timeoutMs` (default 2000). */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes the pool or the embedded database; calling it again does nothing. */
  close(): Promise<void>;
};

/** Options of {@link openDatabase}. */
export type OpenDatabaseOptions<TSchema extends Record<string, unknown>> = {
  /** `postgres://…` / `postgresql://…` for Postgres, `memory://` for in-memory PGlite; unset for PGlite at `<dataDir>/<name>`. */
  url?: string | undefined;
  /** Directory for the embedded database, usually `DATA_DIR` (default `<repoRoot>/.data`). */
  dataDir: string;
  /** The service's name: the embedded database folder, and the `<NAME>_DATABASE_URL` named in errors. */
  name: string;
  /** The drizzle schema (tables and relations), for typed relational queries. */
  schema: TSchema;
  /** Maximum connections in the postgres-js pool. Default 10. Ignored by PGlite (one connection). */
  poolMax?: number;
  /**
   * Postgres cancels any statement of the pool that runs longer (`statement_timeout`, set for each connection
   * when it opens), so a stuck query fails instead of holding its connection. Default: none. Migrations are
   * not limited. Ignored by PGlite, which runs in-process.
   */
  statementTimeoutMs?: number;
  /**
   * Postgres ends a session that sits this long inside a transaction without sending a statement
   * (`idle_in_transaction_session_timeout`, set for each connection when it opens): the transaction rolls back and
   * postgres-js reconnects, so a unit of work that hangs in the service can't hold a connection and its locks for
   * ever. Default: none. Ignored by PGlite, which runs in-process.
   */
  idleInTransactionTimeoutMs?: number;
};

const DEFAULT_PING_TIMEOUT_MS = 2_000;
/** postgres-js options shared by the pool and the migration connection. */
const POSTGRES_OPTIONS = {
  /** Seconds to wait for a TCP connection, so a dead host fails fast. */
  connect_timeout: 5,
  /** NOTICEs (e.g. "schema already exists" during migrations) are not errors; keep logs clean. */
  onnotice: () => {},
  /**
   * No array-type catalog query on each new connection. postgres-js 3.4.9 runs it as every connection's first
   * statement without handling its failure: a connection lost during it becomes an unhandled rejection, which
   * ends the process (porsager/postgres#1192, #1223). Nothing here needs it: drizzle reads and writes `text[]`
   * as array literals itself. The price: postgres-js's `reserve()` hangs on a new connection without it
   * (porsager/postgres#1219), so nothing here reserves connections; `begin()` (drizzle's `transaction`) is not
   * affected.
   */
  fetch_types: false,
} satisfies postgres.Options<Record<string, postgres.PostgresType>>;
/**
 * Seconds `close()` gives running queries before postgres-js cuts the connections. Short, because the server
 * closes the database only after in-flight requests have drained, and a dead server must not stall shutdown.
 */
const CLOSE_TIMEOUT_SECONDS = 2;

/**
 * Opens the service's database: Postgres through postgres-js when `url` is a `postgres://` URL, otherwise
 * embedded PGlite (persisted under `<dataDir>/<name>`, or in memory for `memory://`).
 * Throws a `ConfigError` for any other URL.
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: OpenDatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  if (options.poolMax !== undefined && !(Number.isInteger(options.poolMax) && options.poolMax >= 1)) {
    throw new TypeError('openDatabase: poolMax must be a positive integer');
  }
  for (const limit of ['statementTimeoutMs', 'idleInTransactionTimeoutMs'] as const) {
    const value = options[limit];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      throw new TypeError(`openDatabase: ${limit} must be a positive integer`);
  }
  const url = options.url?.trim() || undefined;
  if (url === undefined || url.startsWith('memory://'))
    return openPglite(options, url === undefined ? join(options.dataDir, options.name) : undefined);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(options, url);

  // The URL itself is not repeated: it may hold a password.
  throw new ConfigError([
    {
      variable: urlVariable(options.name),
      message: 'must be a postgres:// or postgresql:// URL, or memory://; leave it unset for embedded PGlite',
    },
  ]);
}

/** The variable that would point this service at Postgres, named in errors: `auth` → `AUTH_DATABASE_URL`. */
function urlVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DATABASE_URL`;
}

async function openPglite<TSchema extends Record<string, unknown>>(
  { schema, name }: OpenDatabaseOptions<TSchema>,
  directory: string | undefined,
): Promise<Database<TSchema>> {
  let unlock = () => {};
  if (directory !== undefined) {
    mkdirSync(directory, { recursive: true });
    unlock = lockDirectory(directory, urlVariable(name));
  }
  let client: PGlite;
  try {
    client =
      directory === undefined ? new PGlite({ loadDataDir: await pgliteMemoryTemplate() }) : new PGlite(directory);
    await client.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
  const db = drizzlePglite({ client, schema });
  return {
    db,
    kind: 'pglite',
    migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
    ping: (timeoutMs) => pingWithTimeout(db, timeoutMs),
    close: once(() => client.close().finally(unlock)),
  };
}

async function openPostgres<TSchema extends Record<string, unknown>>(
  { schema, poolMax = 10, statementTimeoutMs, idleInTransactionTimeoutMs }: OpenDatabaseOptions<TSchema>,
  url: string,
): Promise<Database<TSchema>> {
  const client = postgres(url, {
    ...POSTGRES_OPTIONS,
    max: poolMax,
    // Sent in each connection's startup message: no extra statement per connection or per query.
    connection: {
      ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
      ...(idleInTransactionTimeoutMs === undefined
        ? {}
        : { idle_in_transaction_session_timeout: idleInTransactionTimeoutMs }),
    },
  });
  const db = drizzlePostgres({ client, schema });
  return {
    db,
    kind: 'postgres',
    migrate: (folder) => migratePostgresLocked(url, folder),
    ping: (timeoutMs) => pingWithTimeout(db, timeoutMs),
    close: once(() => client.end({ timeout: CLOSE_TIMEOUT_SECONDS })),
  };
}

/** Advisory lock key held while migrating (any constant; advisory locks are scoped to one database). */
const MIGRATION_LOCK_KEY = 7_361_021_845;

/**
 * Runs the migrations on a dedicated single connection holding a session advisory lock, so replicas that start
 * together apply them one after the other instead of racing to `CREATE TABLE` the same tables.
 */
async function migratePostgresLocked(url: string, folder: string): Promise<void> {
  const connection = postgres(url, { ...POSTGRES_OPTIONS, max: 1 });
  try {
    await connection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres({ client: connection }), { migrationsFolder: folder });
    // Ending the session releases the lock, also when a migration failed.
  } finally {
    await connection.end({ timeout: CLOSE_TIMEOUT_SECONDS });
  }
}

/** A `select 1` that rejects instead of hanging when the server is gone (postgres-js retries connecting). */
async function pingWithTimeout(
  db: AppDatabase<Record<string, unknown>>,
  timeoutMs = DEFAULT_PING_TIMEOUT_MS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.execute(sql`select 1`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps a close function so that every call after the first shares the first call's promise. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
