import { randomBytes } from 'node:crypto';
import { withSubject } from '@tessera/db';
import { failureSqlState, rowsOf } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTasksDatabase, type TasksDatabase } from '../src/db/database.ts';
import { TaskRepository, tasksScope } from '../src/tasks/task-repository.ts';

const serverUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;

/**
 * Production runs as an ordinary role that owns the database, not as a superuser. This proves the migration
 * works for such a role (CREATEROLE, no SUPERUSER/BYPASSRLS) and that FORCE applies RLS to the owner too.
 */
describe.skipIf(serverUrl === undefined)('row-level security for a non-superuser owner on Postgres', () => {
  const name = `tessera_t_owner_${randomBytes(4).toString('hex')}`;
  let admin: postgres.Sql;
  let database: TasksDatabase;

  beforeAll(async () => {
    admin = postgres(serverUrl ?? '', { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role "${name}" login createrole nosuperuser nobypassrls`);
    await admin.unsafe(`create database "${name}" owner "${name}"`);
    const url = new URL(serverUrl ?? '');
    url.username = name;
    url.password = '';
    url.pathname = `/${name}`;
    database = await openTasksDatabase({ url: url.href, dataDir: '' });
  });

  afterAll(async () => {
    await database?.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`drop role if exists "${name}"`);
    await admin.end({ timeout: 5 });
  });

  it('migrates and serves each subject its own rows', async () => {
    const mine = await TaskRepository.forSubject(database, 'owner-test-a').create({ title: 'a' });
    await TaskRepository.forSubject(database, 'owner-test-b').create({ title: 'b' });
    const scoped = rowsOf<{ id: string }>(
      await withSubject(database.db, 'owner-test-a', (tx) => tx.execute(sql`select id from tasks`), tasksScope),
    );
    expect(scoped.map((row) => row.id)).toEqual([mine.id]);
  });

  it('shows the owner no rows at all outside a subject scope (FORCE ROW LEVEL SECURITY)', async () => {
    const unscoped = rowsOf<{ count: string }>(await database.db.execute(sql`select count(*) as count from tasks`));
    expect(Number(unscoped[0]?.count)).toBe(0);
    // 42501: the policy refuses the owner's unscoped insert (no app.user_id), not some other error.
    expect(
      await failureSqlState(
        database.db.execute(sql`insert into tasks (user_id, title) values ('owner-test-a', 'forged')`),
      ),
    ).toBe('42501');
  });
});
