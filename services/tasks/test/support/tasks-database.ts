import { createTestDatabase, type TestDatabase } from '@tessera/db/testing';
import { afterAll, beforeAll } from 'vitest';
import { openTasksDatabase, type TasksDatabase } from '../../src/db/database.ts';

/**
 * Opens a migrated tasks database for the suite that calls it: a fresh Postgres database (dropped afterwards) for
 * `postgres`, in-memory PGlite otherwise. Returns a getter, since the database exists only once `beforeAll` ran.
 */
export function useTasksDatabase(target: string, options: { poolMax?: number } = {}): () => TasksDatabase {
  let server: TestDatabase | undefined;
  let database: TasksDatabase | undefined;
  beforeAll(async () => {
    server = target === 'postgres' ? await createTestDatabase() : undefined;
    database = await openTasksDatabase({ url: server?.url ?? 'memory://', dataDir: '', ...options });
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });
  return () => {
    if (database === undefined) throw new Error('useTasksDatabase: the database is opened in beforeAll');
    return database;
  };
}
