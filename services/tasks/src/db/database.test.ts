import { createTestDatabase, rowsOf, testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
import { loadTasksConfig } from '../config.ts';
import { openTasksDatabaseFor } from './database.ts';

describe.each(testDatabaseTargets())('openTasksDatabase on %s', (target) => {
  const database = useTasksDatabase(target);

  it('applies the migrations: the table with row-level security enabled and forced, and no SQL functions left', async () => {
    const [table] = rowsOf<{ enabled: boolean; forced: boolean }>(
      await database().db.execute(
        sql`select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class where relname = 'tasks'`,
      ),
    );
    expect(table).toEqual({ enabled: true, forced: true });
    const policies = rowsOf<{ name: string; command: string; roles: string }>(
      await database().db.execute(
        sql`select policyname as name, cmd as command, roles::text as roles from pg_policies where tablename = 'tasks'`,
      ),
    );
    expect(policies).toEqual([{ name: 'tasks_subject', command: 'ALL', roles: '{tessera_tasks_app}' }]);
    const functions = rowsOf(await database().db.execute(sql`select proname from pg_proc where proname like 'tasks%'`));
    expect(functions).toEqual([]);
  });

  it.runIf(target === 'postgres')('takes the pool size from TASKS_DATABASE_POOL_MAX', async () => {
    const server = await createTestDatabase();
    try {
      const config = loadTasksConfig({
        TASKS_DATABASE_URL: server.url,
        TASKS_DATABASE_POOL_MAX: '3',
        JWT_MODE: 'secret',
        JWT_SECRET: 'pool-size-test-secret-0123456789-abcdef',
        LOG_LEVEL: 'silent',
      });
      // The service opens its database with openTasksDatabaseFor (createTasksService), never with a size of its own.
      const database = await openTasksDatabaseFor(config);
      try {
        const held = await Promise.all(
          Array.from({ length: 5 }, () =>
            database.db
              .execute(sql`select pg_backend_pid() as pid, pg_sleep(0.2)`)
              .then((result) => rowsOf<{ pid: number }>(result)[0]?.pid),
          ),
        );
        expect(new Set(held).size).toBe(3);
      } finally {
        await database.close();
      }
    } finally {
      await server.drop();
    }
  });
});
