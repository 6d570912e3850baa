import { fileURLToPath } from 'node:url';
import { type AppDatabase, type Database, openDatabase } from '@tessera/db';
import type { TasksConfig } from '../config.ts';
import { tasksSchema } from './schema.ts';

/** The drizzle schema of the tasks database. */
export type TasksSchema = typeof tasksSchema;
/** The drizzle handle of the tasks database. */
export type TasksDb = AppDatabase<TasksSchema>;
/** The open tasks database: drizzle handle, driver kind, migrations, ping, close. */
export type TasksDatabase = Database<TasksSchema>;

/** Absolute path of the committed drizzle-kit migrations (`services/tasks/drizzle`). */
export const migrationsFolder: string = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Options of {@link openTasksDatabase}. */
export type OpenTasksDatabaseOptions = {
  /** `TASKS_DATABASE_URL`: unset for PGlite under `dataDir`, `memory://` for in-memory PGlite, or `postgres://…`. */
  url: string | undefined;
  /** `DATA_DIR`, where the embedded database lives. */
  dataDir: string;
  /** Connections of the Postgres pool: each request's transaction holds one while it runs. Default: `openDatabase`'s, 10. */
  poolMax?: number;
  /** `statement_timeout` of every pooled Postgres connection, in milliseconds. Default: none. */
  statementTimeoutMs?: number;
  /** `idle_in_transaction_session_timeout` of every pooled Postgres connection, in milliseconds. Default: none. */
  idleInTransactionTimeoutMs?: number;
};

/** Opens the tasks database and applies pending migrations, so a started service always has its schema. */
export async function openTasksDatabase({ url, dataDir, ...pool }: OpenTasksDatabaseOptions): Promise<TasksDatabase> {
  const database = await openDatabase({ url, dataDir, name: 'tasks', schema: tasksSchema, ...pool });
  try {
    await database.migrate(migrationsFolder);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Opens the service's database as its config says: `TASKS_DATABASE_URL` (or PGlite under `DATA_DIR`) and `TASKS_DATABASE_POOL_MAX`. */
export function openTasksDatabaseFor(
  config: Pick<TasksConfig, 'databaseUrl' | 'dataDir' | 'poolMax'>,
  limits: Pick<OpenTasksDatabaseOptions, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'> = {},
): Promise<TasksDatabase> {
  return openTasksDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    ...(config.poolMax === undefined ? {} : { poolMax: config.poolMax }),
    ...limits,
  });
}
