import { createTestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import { describe, expect, it } from 'vitest';
import { loadTasksConfig } from '../config.ts';
import { openTasksDatabase, openTasksDatabaseFor } from './database.ts';
import { runStatement } from './run-statement.ts';

/** The backend pids of `size` statements held open at once on `db`: as many pids as the pool has connections. */
async function backendsOf(db: Parameters<typeof runStatement>[0], size: number): Promise<Set<unknown>> {
  const rows = await Promise.all(Array.from({ length: size }, () => runStatement(db, 'select pg_backend_pid(), pg_sleep(0.2)', [])));
  return new Set(rows.map(([row]) => row?.[0]));
}

describe.each(testDatabaseTargets())('openTasksDatabase on %s', (target) => {
  it.runIf(target === 'postgres')('opens a write pool and a read pool of their own sizes, and closes both', async () => {
    const server = await createTestDatabase();
    try {
      const database = await openTasksDatabase({ url: server.url, dataDir: '', poolMax: 3, readPoolMax: 2 });
      const writers = await backendsOf(database.db, 3);
      const readers = await backendsOf(database.reads, 2);
      expect(writers.size).toBe(3);
      expect(readers.size).toBe(2);
      expect([...readers].filter((pid) => writers.has(pid))).toEqual([]);
      await database.ping();

      await database.close();
      await expect(runStatement(database.db, 'select 1', [])).rejects.toThrow();
      await expect(runStatement(database.reads, 'select 1', [])).rejects.toThrow();
    } finally {
      await server.drop();
    }
  });

  it.runIf(target === 'postgres')('takes the pool sizes from TASKS_DATABASE_POOL_MAX and TASKS_DATABASE_READ_POOL_MAX', async () => {
    const server = await createTestDatabase();
    try {
      const config = loadTasksConfig({
        TASKS_DATABASE_URL: server.url,
        TASKS_DATABASE_POOL_MAX: '5',
        TASKS_DATABASE_READ_POOL_MAX: '1',
        JWT_MODE: 'secret',
        JWT_SECRET: 'pool-size-test-secret-0123456789-abcdef',
        LOG_LEVEL: 'silent',
      });
      // The service opens its database with openTasksDatabaseFor (createTasksService), never with sizes of its own.
      const database = await openTasksDatabaseFor(config);
      try {
        expect((await backendsOf(database.db, 6)).size).toBe(5);
        expect((await backendsOf(database.reads, 3)).size).toBe(1);
      } finally {
        await database.close();
      }
    } finally {
      await server.drop();
    }
  });

  it.runIf(target !== 'postgres')('reads and writes on the one embedded connection', async () => {
    const database = await openTasksDatabase({ url: 'memory://', dataDir: '' });
    try {
      expect(database.reads).toBe(database.db);
    } finally {
      await database.close();
    }
  });
});
