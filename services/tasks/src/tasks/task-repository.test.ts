import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../db/database-errors.ts';
import { runStatement } from '../db/run-statement.ts';
import { inSubjectScope } from '../db/subject-scope.ts';
import { rowsOf } from '../../test/support/sql-rows.ts';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
import { failureSqlState } from '../../test/support/sql-state.ts';
import { decodeCursor } from './cursor.ts';
import { TaskRepository } from './task-repository.ts';

describe.each(testDatabaseTargets())('TaskRepository on %s', (target) => {
  const database = useTasksDatabase(target);
  const alice = `user-${randomUUID()}`;
  const bob = `user-${randomUUID()}`;
  const tasksOf = (subject: string) => TaskRepository.forSubject(database(), subject);

  it('creates, reads, updates and deletes a task of its subject', async () => {
    const created = await tasksOf(alice).create({ title: 'Write the spec', dueAt: '2027-01-02T03:04:05.678+01:00' });
    expect(created).toMatchObject({ userId: alice, title: 'Write the spec', description: null, status: 'todo', dueAt: '2027-01-02T02:04:05.678000Z' });
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(await tasksOf(alice).get(created.id)).toEqual(created);

    const updated = await tasksOf(alice).update(created.id, { status: 'done', description: 'with examples' });
    expect(updated).toMatchObject({ id: created.id, status: 'done', description: 'with examples', title: 'Write the spec' });
    expect((updated?.updatedAt ?? '') >= created.updatedAt).toBe(true);

    expect(await tasksOf(alice).delete(created.id)).toBe(true);
    expect(await tasksOf(alice).get(created.id)).toBeNull();
    expect(await tasksOf(alice).delete(created.id)).toBe(false);
  });

  it("never reads, changes or deletes another subject's task", async () => {
    const task = await tasksOf(alice).create({ title: 'private' });
    expect(await tasksOf(bob).get(task.id)).toBeNull();
    expect(await tasksOf(bob).update(task.id, { title: 'stolen' })).toBeNull();
    expect(await tasksOf(bob).delete(task.id)).toBe(false);
    expect((await tasksOf(bob).list({ limit: 200 })).items.map((item) => item.id)).not.toContain(task.id);
    expect(await tasksOf(alice).get(task.id)).toMatchObject({ title: 'private' });
  });

  it('refuses an empty subject', () => {
    expect(() => TaskRepository.forSubject(database(), ' ')).toThrow(TypeError);
  });

  describe('row-level security (the second lock)', () => {
    it("limits an unscoped select inside a subject's scope to that subject's rows", async () => {
      const mine = await tasksOf(alice).create({ title: 'mine' });
      await tasksOf(bob).create({ title: 'theirs' });
      const rows = await inSubjectScope(database().db, alice, (tx) => tx.execute<{ user_id: string }>(sql`select * from tasks`));
      const owners = new Set(rowsOf<{ user_id: string }>(rows).map((row) => row.user_id));
      expect(owners).toEqual(new Set([alice]));
      expect(rowsOf<{ id: string }>(rows).map((row) => row.id)).toContain(mine.id);
    });

    it('refuses an insert for another user inside a subject scope, and writes nothing', async () => {
      const before = (await tasksOf(bob).list({ limit: 200 })).items.length;
      // 42501: refused by the policy's WITH CHECK, not by any other error.
      expect(await failureSqlState(inSubjectScope(database().db, alice, (tx) => tx.execute(sql`insert into tasks (user_id, title) values (${bob}, 'forged')`)))).toBe('42501');
      expect((await tasksOf(bob).list({ limit: 200 })).items).toHaveLength(before);
    });

    it('refuses to move a row to another owner with an unscoped update', async () => {
      const task = await tasksOf(alice).create({ title: 'keep me' });
      expect(await failureSqlState(inSubjectScope(database().db, alice, (tx) => tx.execute(sql`update tasks set user_id = ${bob} where id = ${task.id}`)))).toBe('42501');
      expect(await tasksOf(alice).get(task.id)).toMatchObject({ userId: alice });
    });

    it('runs as a role that is neither superuser nor exempt from row-level security', async () => {
      const [role] = rowsOf<{ name: string; rolsuper: boolean; rolbypassrls: boolean }>(
        await inSubjectScope(database().db, alice, (tx) =>
          tx.execute(sql`select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user`),
        ),
      );
      expect(role).toEqual({ name: 'tessera_tasks_app', rolsuper: false, rolbypassrls: false });
    });
  });

  describe('keyset pagination', () => {
    it('orders by (createdAt, id) and tells apart rows created in the same instant', async () => {
      const carol = `user-${randomUUID()}`;
      // One statement gives every row the same created_at: only the id can order them.
      await inSubjectScope(database().db, carol, (tx) =>
        tx.execute(sql`insert into tasks (user_id, title) select ${carol}, 'same instant ' || n from generate_series(1, 7) as n`),
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await tasksOf(carol).list({ limit: 3, after: cursor === null ? undefined : decodeCursor(cursor) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(7);
      expect(seen).toEqual([...seen].sort());
    });

    it('filters by status', async () => {
      const dave = `user-${randomUUID()}`;
      await tasksOf(dave).create({ title: 'a', status: 'done' });
      await tasksOf(dave).create({ title: 'b' });
      const done = await tasksOf(dave).list({ limit: 50, status: 'done' });
      expect(done.items.map((item) => item.title)).toEqual(['a']);
      expect(done.nextCursor).toBeNull();
    });
  });

  describe.runIf(target === 'postgres')('behind a busy connection', () => {
    const busyDatabase = useTasksDatabase(target, { poolMax: 1, readPoolMax: 1 });

    it('answers a read while the write pool is busy, and a write while the read pool is busy: each has its own', async () => {
      const tasks = TaskRepository.forSubject(busyDatabase(), alice, { deadlineMs: 150 });
      const task = await tasks.create({ title: 'listed while writes were busy' });
      const busyWrites = runStatement(busyDatabase().db, 'select pg_sleep(0.5)', []);
      expect((await tasks.list({ limit: 200 })).items.map((item) => item.id)).toContain(task.id);
      await busyWrites;
      const busyReads = runStatement(busyDatabase().reads, 'select pg_sleep(0.5)', [], { readOnly: true });
      expect(await tasks.update(task.id, { title: 'renamed while reads were busy' })).toMatchObject({ title: 'renamed while reads were busy' });
      await busyReads;
      expect(await tasks.delete(task.id)).toBe(true);
    });

    it('never sends a write whose deadline passed while it waited, so nothing changes after the 503', async () => {
      const tasks = TaskRepository.forSubject(busyDatabase(), alice, { deadlineMs: 100 });
      const task = await tasks.create({ title: 'before' });
      const busy = runStatement(busyDatabase().db, 'select pg_sleep(0.4)', [], { readOnly: true });
      const writes = await Promise.allSettled([tasks.create({ title: 'late' }), tasks.update(task.id, { title: 'late' }), tasks.delete(task.id)]);
      expect(writes.map((write) => write.status === 'rejected' && write.reason instanceof DatabaseUnavailableError)).toEqual([true, true, true]);
      await busy;
      // Queued behind anything still waiting on the write pool: once it answers, a late write would have landed.
      await runStatement(busyDatabase().db, 'select 1', []);
      expect((await TaskRepository.forSubject(busyDatabase(), alice).list({ limit: 200 })).items.map((item) => item.title)).toEqual(['before']);
    });
  });
});
