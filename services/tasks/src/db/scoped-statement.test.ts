import { randomUUID } from 'node:crypto';
import { createTestDatabase, testDatabaseTargets, type TestDatabase } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../test/support/sql-rows.ts';
import { openTasksDatabase, type TasksDatabase } from './database.ts';
import { runInSubjectScope, toStatement } from './scoped-statement.ts';

describe.each(testDatabaseTargets())('runInSubjectScope on %s', (target) => {
  let server: TestDatabase | undefined;
  let database: TasksDatabase;
  const alice = `user-${randomUUID()}`;
  const bob = `user-${randomUUID()}`;
  const insertTask = toStatement(sql`insert into tasks (user_id, title) values (${sql.placeholder('owner')}, ${sql.placeholder('title')}) returning user_id, title`);
  const allOwners = toStatement(sql`select distinct user_id from tasks`);
  const settings = toStatement(
    sql`select current_user, current_setting('app.user_id', true), current_setting('statement_timeout'), (select count(*) from tasks where user_id = ${sql.placeholder('owner')})::int`,
  );

  beforeAll(async () => {
    server = target === 'postgres' ? await createTestDatabase() : undefined;
    // One connection, so every call below reuses the one the previous call left behind.
    database = await openTasksDatabase({ url: server?.url ?? 'memory://', dataDir: '', poolMax: 1 });
    await runInSubjectScope(database.db, alice, insertTask, { owner: alice, title: 'mine' });
    await runInSubjectScope(database.db, bob, insertTask, { owner: bob, title: 'theirs' });
  });

  afterAll(async () => {
    await database?.close();
    await server?.drop();
  });

  it('runs the statement as the row-level-security role with app.user_id and the statement timeout set', async () => {
    const rows = await runInSubjectScope(database.db, alice, settings, { owner: bob }, { statementTimeoutMs: 1_234 });
    // Row-level security hides bob's row even from a query that asks for it by name.
    expect(rows).toEqual([['tessera_tasks_app', alice, '1234ms', 0]]);
  });

  it("limits an unscoped select to the subject's rows", async () => {
    expect(await runInSubjectScope(database.db, alice, allOwners, {})).toEqual([[alice]]);
  });

  it('refuses an insert for another user and writes nothing', async () => {
    await expect(runInSubjectScope(database.db, alice, insertTask, { owner: bob, title: 'forged' })).rejects.toMatchObject({ code: '42501' });
    expect(await runInSubjectScope(database.db, bob, allOwners, {})).toEqual([[bob]]);
    const titles = rowsOf<{ title: string }>(await database.db.execute(sql`select title from tasks order by title`)).map((row) => row.title);
    expect(titles).toEqual(['mine', 'theirs']);
  });

  // A transaction left open would still carry its `SET LOCAL` role and subject: checking those checks both.
  it('leaves nothing behind on the connection after a failure: no role, no subject, no open transaction', async () => {
    await expect(runInSubjectScope(database.db, alice, toStatement(sql`select 1 / 0`), {})).rejects.toMatchObject({ code: '22012' });
    const [session] = rowsOf<{ user: string; subject: string | null }>(
      await database.db.execute(sql`select current_user as "user", nullif(current_setting('app.user_id', true), '') as subject`),
    );
    expect(session?.subject).toBeNull();
    expect(session?.user).not.toBe('tessera_tasks_app');
    // And the next scoped call on the same connection works.
    expect(await runInSubjectScope(database.db, bob, allOwners, {})).toEqual([[bob]]);
  });

  it('sends nothing once the caller has given up (a deadline passed while waiting for a connection)', async () => {
    const gaveUp = new AbortController();
    gaveUp.abort(new Error('deadline passed'));
    await expect(runInSubjectScope(database.db, alice, insertTask, { owner: alice, title: 'too late' }, { signal: gaveUp.signal })).rejects.toThrow('deadline passed');
    const titles = rowsOf<{ title: string }>(await database.db.execute(sql`select title from tasks order by title`)).map((row) => row.title);
    expect(titles).toEqual(['mine', 'theirs']);
  });

  it('refuses an empty subject before touching the database', async () => {
    await expect(runInSubjectScope(database.db, '', allOwners, {})).rejects.toBeInstanceOf(TypeError);
  });
});
