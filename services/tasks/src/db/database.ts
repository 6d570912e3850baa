import { fileURLToPath } from 'node:url';
import { openDatabase, type AppDatabase, type Database } from '@tessera/db';
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
  /**
   * postgres-js pool size. Default {@link DEFAULT_TASKS_POOL_MAX}: writes take a connection each, reads are pipelined
   * (`runStatement`), so a few connections carry the load and leave Postgres room for more replicas.
   */
  poolMax?: number;
  /** `statement_timeout` of every pooled Postgres connection, in milliseconds. Default: none. */
  statementTimeoutMs?: number;
};

/** Connections per tasks process; on the bench machine 2 and 4 both beat 10 (docs/decisions.md). */
export const DEFAULT_TASKS_POOL_MAX = 4;

/** Opens the tasks database and applies pending migrations, so a started service always has its schema. */
export async function openTasksDatabase({ url, dataDir, poolMax = DEFAULT_TASKS_POOL_MAX, statementTimeoutMs }: OpenTasksDatabaseOptions): Promise<TasksDatabase> {
  const database = await openDatabase({
    url,
    dataDir,
    name: 'tasks',
    schema: tasksSchema,
    poolMax,
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
  });
  try {
    await database.migrate(migrationsFolder);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
