import { randomUUID } from 'node:crypto';
import { DatabaseUnavailableError, type SubjectTransaction, withSubject } from '@tessera/db';
import { failureSqlState, rowsOf, testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
import type { TasksSchema } from '../db/database.ts';
import { decodeCursor } from './cursor.ts';
import { TaskRepository, tasksScope } from './task-repository.ts';

describe.each(testDatabaseTargets())('TaskRepository on %s', (target) => {
  // One connection on Postgres, so "the next request on this connection" is every next request.
  const database = useTasksDatabase(target, { poolMax: 1 });
  const alice = `user-${randomUUID()}`;
  const bob = `user-${randomUUID()}`;
  const tasksOf = (subject: string) => TaskRepository.forSubject(database(), subject);
  /** Runs statements outside the repository in exactly its scope: how the tests reach the second lock alone. */
  const inSubjectScope = <T>(subject: string, work: (tx: SubjectTransaction<TasksSchema>) => Promise<T>) =>
    withSubject(database().db, subject, work, tasksScope);
  const session = async () =>
    rowsOf<{ user: string; subject: string | null }>(
      await database().db.execute(
        sql`select current_user as "user", nullif(current_setting('app.user_id', true), '') as subject`,
      ),
    )[0];

  it('creates, reads, updates and deletes a task of its subject', async () => {
    const created = await tasksOf(alice).create({ title: 'Write the spec', dueAt: '2027-01-02T03:04:05.678+01:00' });
    expect(created).toMatchObject({
      userId: alice,
      title: 'Write the spec',
      description: null,
      status: 'todo',
      dueAt: '2027-01-02T02:04:05.678000Z',
    });
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(await tasksOf(alice).get(created.id)).toEqual(created);

    const updated = await tasksOf(alice).update(created.id, { status: 'done', description: 'with examples' });
    expect(updated).toMatchObject({
      id: created.id,
      status: 'done',
      description: 'with examples',
      title: 'Write the spec',
    });
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
      const rows = await inSubjectScope(alice, (tx) => tx.execute<{ user_id: string }>(sql`select * from tasks`));
      const owners = new Set(rowsOf<{ user_id: string }>(rows).map((row) => row.user_id));
      expect(owners).toEqual(new Set([alice]));
      expect(rowsOf<{ id: string }>(rows).map((row) => row.id)).toContain(mine.id);
    });

    it('refuses an insert for another user inside a subject scope, and writes nothing', async () => {
      const before = (await tasksOf(bob).list({ limit: 200 })).items.length;
      // 42501: refused by the policy's WITH CHECK, not by any other error.
      expect(
        await failureSqlState(
          inSubjectScope(alice, (tx) => tx.execute(sql`insert into tasks (user_id, title) values (${bob}, 'forged')`)),
        ),
      ).toBe('42501');
      expect((await tasksOf(bob).list({ limit: 200 })).items).toHaveLength(before);
    });

    it('refuses to move a row to another owner with an unscoped update', async () => {
      const task = await tasksOf(alice).create({ title: 'keep me' });
      expect(
        await failureSqlState(
          inSubjectScope(alice, (tx) => tx.execute(sql`update tasks set user_id = ${bob} where id = ${task.id}`)),
        ),
      ).toBe('42501');
      expect(await tasksOf(alice).get(task.id)).toMatchObject({ userId: alice });
    });

    it('runs as a role that is neither superuser nor exempt from row-level security', async () => {
      const [role] = rowsOf<{ name: string; rolsuper: boolean; rolbypassrls: boolean }>(
        await inSubjectScope(alice, (tx) =>
          tx.execute(
            sql`select current_user as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
          ),
        ),
      );
      expect(role).toEqual({ name: 'tessera_tasks_app', rolsuper: false, rolbypassrls: false });
    });
  });

  describe('keyset pagination', () => {
    it('orders by (createdAt, id) and tells apart rows created in the same instant', async () => {
      const carol = `user-${randomUUID()}`;
      // One statement gives every row the same created_at: only the id can order them.
      await inSubjectScope(carol, (tx) =>
        tx.execute(
          sql`insert into tasks (user_id, title) select ${carol}, 'same instant ' || n from generate_series(1, 7) as n`,
        ),
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

  // The first lock on its own: with the second (row-level security) switched off for one rolled-back transaction,
  // each method's query still reaches only its subject's rows, because it carries `user_id = subject`.
  it("reaches only the subject's rows with row-level security switched off: the where clause is a lock of its own", async () => {
    const task = await tasksOf(alice).create({ title: "Alice's" });
    class RolledBack {
      constructor(readonly seen: Record<string, unknown>) {}
    }
    const outcome = await database()
      .db.transaction(async (tx) => {
        await tx.execute(sql`alter table tasks disable row level security`);
        // The repository's own calls, on this transaction's connection: withSubject nests as a savepoint.
        const bobsTasks = TaskRepository.forSubject({ db: tx }, bob);
        const seen = {
          get: await bobsTasks.get(task.id),
          update: await bobsTasks.update(task.id, { title: 'taken' }),
          delete: await bobsTasks.delete(task.id),
          // Bob may have tasks of his own; none of anyone else's may show.
          list: (await bobsTasks.list({ limit: 200 })).items.filter((item) => item.userId !== bob),
          // Proof that nothing else stood in the way: in Bob's scope, a query without the filter now sees Alice's task.
          unfiltered: rowsOf(
            await withSubject(
              tx,
              bob,
              (scoped) => scoped.execute(sql`select id from tasks where id = ${task.id}`),
              tasksScope,
            ),
          ).length,
        };
        throw new RolledBack(seen);
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(RolledBack);
    expect((outcome as RolledBack).seen).toEqual({ get: null, update: null, delete: false, list: [], unfiltered: 1 });
    expect(await tasksOf(alice).get(task.id)).toMatchObject({ title: "Alice's" });
  });

  // A scope that outlived its transaction would hand the next request on this pooled connection someone else's rows.
  it('leaves nothing behind on the connection: not the role, not the subject', async () => {
    const before = await session();
    expect(before?.subject).toBeNull();
    expect(before?.user).not.toBe(tasksScope.role);
    const task = await tasksOf(alice).create({ title: 'scoped' });
    expect(await session()).toEqual(before);
    // Also after a statement that fails inside the scope (the title check constraint).
    expect(await failureSqlState(tasksOf(alice).create({ title: '' }))).toBe('23514');
    expect(await session()).toEqual(before);
    expect(await tasksOf(alice).get(task.id)).toMatchObject({ title: 'scoped' });
  });

  describe.runIf(target === 'postgres')('behind a busy connection', () => {
    it('never writes after a 503: a write whose deadline passed while it waited is never run', async () => {
      const tasks = TaskRepository.forSubject(database(), alice, { deadlineMs: 100 });
      const task = await tasksOf(alice).create({ title: 'before' });
      // drizzle queries are lazy: `then` starts this one, and by the next turn of the event loop it holds the connection.
      const busy = database()
        .db.execute(sql`select pg_sleep(0.4)`)
        .then(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      const writes = await Promise.allSettled([
        tasks.create({ title: 'late' }),
        tasks.update(task.id, { title: 'late' }),
        tasks.delete(task.id),
      ]);
      expect(
        writes.map((write) => write.status === 'rejected' && write.reason instanceof DatabaseUnavailableError),
      ).toEqual([true, true, true]);
      await busy;
      // Queued behind everything still waiting for the one connection: once it answers, a late write would have landed.
      await database().db.execute(sql`select 1`);
      expect(
        (await tasksOf(alice).list({ limit: 200 })).items.filter(
          (item) => item.id === task.id || item.title === 'late',
        ),
      ).toEqual([expect.objectContaining({ id: task.id, title: 'before' })]);
    });
  });
});
