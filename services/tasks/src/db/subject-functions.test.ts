import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../test/support/sql-rows.ts';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
import { failureSqlState } from '../../test/support/sql-state.ts';
import { TaskRepository } from '../tasks/task-repository.ts';

/** The SQL functions of migration 0002_subject_functions: the one way the repository reaches `tasks`. */
describe.each(testDatabaseTargets())('the subject-scoped SQL functions on %s', (target) => {
  const database = useTasksDatabase(target, { poolMax: 1 });
  const alice = `user-${randomUUID()}`;

  const session = async () =>
    rowsOf<{ user: string; subject: string | null }>(
      await database().db.execute(sql`select current_user as "user", nullif(current_setting('app.user_id', true), '') as subject`),
    )[0];

  it('each enters the subject scope first, is PL/pgSQL (planned after the role switch), and has no SET clause or definer rights', async () => {
    const functions = rowsOf<{ name: string; language: string; enters: boolean; definer: boolean; config: string[] | null; publicExecute: boolean }>(
      await database().db.execute(sql`
        select p.proname as name, l.lanname as language, p.prosecdef as definer, p.proconfig as config,
               p.prosrc ~ '^\\s*#variable_conflict use_column\\s+BEGIN\\s+PERFORM tasks_enter_scope\\(p_subject\\);' as enters,
               has_function_privilege('public', p.oid, 'execute') as "publicExecute"
        from pg_proc p join pg_language l on l.oid = p.prolang
        where p.proname in ('tasks_list', 'tasks_get', 'tasks_create', 'tasks_update', 'tasks_delete')
        order by p.proname`),
    );
    expect(functions.map((f) => f.name)).toEqual(['tasks_create', 'tasks_delete', 'tasks_get', 'tasks_list', 'tasks_update']);
    for (const f of functions) expect(f).toEqual({ name: f.name, language: 'plpgsql', enters: true, definer: false, config: null, publicExecute: false });
  });

  it('enters the scope as the row-level-security role, which is neither superuser nor exempt from row-level security', async () => {
    const [scope] = rowsOf<{ user: string; subject: string; rolsuper: boolean; rolbypassrls: boolean }>(
      await database().db.transaction(async (tx) => {
        await tx.execute(sql`select tasks_enter_scope(${alice})`);
        return tx.execute(sql`select current_user as "user", current_setting('app.user_id') as subject, rolsuper, rolbypassrls from pg_roles where rolname = current_user`);
      }),
    );
    expect(scope).toEqual({ user: 'tessera_tasks_app', subject: alice, rolsuper: false, rolbypassrls: false });
  });

  // The first lock on its own: with the second (row-level security) switched off for one rolled-back transaction,
  // each function still reaches only its subject's rows, because its query carries `user_id = p_subject`.
  it("reaches only the subject's rows with row-level security switched off: the where clause is a lock of its own", async () => {
    const task = await TaskRepository.forSubject(database(), alice).create({ title: "Alice's" });
    const bob = `user-${randomUUID()}`;
    class RolledBack {
      constructor(readonly seen: Record<string, unknown>) {}
    }
    const outcome = await database()
      .db.transaction(async (tx) => {
        await tx.execute(sql`alter table tasks disable row level security`);
        const count = async (query: ReturnType<typeof sql>) => rowsOf(await tx.execute(query)).length;
        const seen = {
          get: await count(sql`select * from tasks_get(${bob}, ${task.id})`),
          update: await count(sql`select * from tasks_update(${bob}, ${task.id}, true, 'taken', false, null, false, null, false, null)`),
          delete: await count(sql`select * from tasks_delete(${bob}, ${task.id})`),
          list: await count(sql`select * from tasks_list(${bob}, null, null, null, 50)`),
          // Proof that nothing else stood in the way: in Bob's scope, an unfiltered select now sees Alice's task.
          unfiltered: await count(sql`select id from tasks where id = ${task.id}`),
        };
        throw new RolledBack(seen);
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(RolledBack);
    expect((outcome as RolledBack).seen).toEqual({ get: 0, update: 0, delete: 0, list: 0, unfiltered: 1 });
    expect(await TaskRepository.forSubject(database(), alice).get(task.id)).toMatchObject({ title: "Alice's" });
  });

  it('refuses an empty or missing subject (22023)', async () => {
    expect(await failureSqlState(database().db.execute(sql`select tasks_enter_scope('')`))).toBe('22023');
    expect(await failureSqlState(database().db.execute(sql`select tasks_enter_scope(null)`))).toBe('22023');
    expect(await failureSqlState(database().db.execute(sql`select * from tasks_list('', null, null, null, 10)`))).toBe('22023');
  });

  // A scope that outlived its statement (or a transaction left open, which would keep it) would hand the next
  // request on this pooled connection someone else's rows.
  it('leaves nothing behind on the connection: not the role, not the subject', async () => {
    const before = await session();
    const task = await TaskRepository.forSubject(database(), alice).create({ title: 'scoped' });
    expect(await session()).toEqual(before);
    expect(before?.subject).toBeNull();
    expect(before?.user).not.toBe('tessera_tasks_app');

    // Also after a statement that fails inside the scope (the title check constraint).
    expect(await failureSqlState(TaskRepository.forSubject(database(), alice).create({ title: '' }))).toBe('23514');
    expect(await session()).toEqual(before);
    expect(await TaskRepository.forSubject(database(), alice).get(task.id)).toMatchObject({ title: 'scoped' });
  });
});
