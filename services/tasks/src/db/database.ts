import { fileURLToPath } from 'node:url';
import { openDatabase, type AppDatabase, type Database } from '@tessera/db';
import type { TasksConfig } from '../config.ts';
import { tasksSchema } from './schema.ts';

/** The drizzle schema of the tasks database. */
export type TasksSchema = typeof tasksSchema;
/** The drizzle handle of the tasks database. */
export type TasksDb = AppDatabase<TasksSchema>;
/**
 * The open tasks database: drizzle handle, driver kind, migrations, ping, close, and the handle reads run on. On
 * Postgres, `db` and `reads` are two postgres-js pools: writes take a connection of `db` each, reads are pipelined
 * on the few connections of `reads` (`runStatement`), and neither ever waits behind the other. On PGlite, one
 * in-process connection serves both, so `reads` is `db`. `ping` and `close` cover both pools.
 */
export type TasksDatabase = Database<TasksSchema> & { reads: TasksDb };

/** Absolute path of the committed drizzle-kit migrations (`services/tasks/drizzle`). */
export const migrationsFolder: string = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Options of {@link openTasksDatabase}. */
export type OpenTasksDatabaseOptions = {
  /** `TASKS_DATABASE_URL`: unset for PGlite under `dataDir`, `memory://` for in-memory PGlite, or `postgres://…`. */
  url: string | undefined;
  /** `DATA_DIR`, where the embedded database lives. */
  dataDir: string;
  /** Connections of the write pool (`db`). Default {@link DEFAULT_TASKS_POOL_MAX}: each write takes one. */
  poolMax?: number;
  /** Connections of the read pool (`reads`). Default {@link DEFAULT_TASKS_READ_POOL_MAX}: reads are pipelined on them. */
  readPoolMax?: number;
  /** `statement_timeout` of every pooled Postgres connection, in milliseconds. Default: none. */
  statementTimeoutMs?: number;
};

/** Write connections per tasks process: as many writes run at once (docs/decisions.md). */
export const DEFAULT_TASKS_POOL_MAX = 4;

/**
 * Read connections per tasks process. Pipelined reads want few connections: one socket write and one wake-up of
 * Postgres then carry several statements. On the bench machine, 2 cost Postgres less CPU per request than 4, and
 * both beat 10 (docs/decisions.md).
 */
export const DEFAULT_TASKS_READ_POOL_MAX = 2;

/** Opens the tasks database and applies pending migrations, so a started service always has its schema. */
export async function openTasksDatabase({
  url,
  dataDir,
  poolMax = DEFAULT_TASKS_POOL_MAX,
  readPoolMax = DEFAULT_TASKS_READ_POOL_MAX,
  statementTimeoutMs,
}: OpenTasksDatabaseOptions): Promise<TasksDatabase> {
  const open = (max: number) =>
    openDatabase({ url, dataDir, name: 'tasks', schema: tasksSchema, poolMax: max, ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }) });
  const database = await open(poolMax);
  let readPool: Database<TasksSchema> | undefined;
  try {
    await database.migrate(migrationsFolder);
    // PGlite is one in-process connection (and its directory is locked to one opener): it serves both.
    if (database.kind === 'postgres') readPool = await open(readPoolMax);
  } catch (error) {
    await database.close();
    throw error;
  }
  if (readPool === undefined) return { ...database, reads: database.db };
  const pools = [database, readPool];
  let closing: Promise<void> | undefined;
  return {
    ...database,
    reads: readPool.db,
    ping: async (timeoutMs) => {
      await Promise.all(pools.map((pool) => pool.ping(timeoutMs)));
    },
    close: () =>
      (closing ??= Promise.allSettled(pools.map((pool) => pool.close())).then((outcomes) => {
        const failed = outcomes.find((outcome) => outcome.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      })),
  };
}

/**
 * Opens the service's database as its config says: `TASKS_DATABASE_URL` (or PGlite under `DATA_DIR`), and the pool
 * sizes of `TASKS_DATABASE_POOL_MAX` and `TASKS_DATABASE_READ_POOL_MAX` (the defaults above when unset).
 */
export function openTasksDatabaseFor(
  config: Pick<TasksConfig, 'databaseUrl' | 'dataDir' | 'poolMax' | 'readPoolMax'>,
  { statementTimeoutMs }: Pick<OpenTasksDatabaseOptions, 'statementTimeoutMs'> = {},
): Promise<TasksDatabase> {
  return openTasksDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    ...(config.poolMax === undefined ? {} : { poolMax: config.poolMax }),
    ...(config.readPoolMax === undefined ? {} : { readPoolMax: config.readPoolMax }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  });
}
