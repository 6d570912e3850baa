import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from './database-errors.ts';
import { notes, notesMigrationsFolder, notesSchema } from './fixtures/notes-schema.ts';
import { type Database, openDatabase } from './open-database.ts';
import { createTestDatabase, failureSqlState, rowsOf, type TestDatabase, testDatabaseTargets } from './testing.ts';
import { type SubjectTransaction, withSubject } from './with-subject.ts';

/** The row-level-security role of these tests. Roles are cluster-wide, so it is created once and kept. */
const role = 'tessera_test_notes_app';

/** What a service's migrations declare: the role, its grants, and a policy on `owner` that binds the owner too. */
const policySql = [
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN NOBYPASSRLS NOINHERIT; END IF;
   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
  `DO $$ BEGIN
     IF NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN EXECUTE format('GRANT ${role} TO %I', current_user); END IF;
   END $$`,
  `GRANT USAGE ON SCHEMA public TO ${role}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO ${role}`,
  `GRANT USAGE ON SEQUENCE notes_id_seq TO ${role}`,
  `ALTER TABLE notes ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE notes FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY notes_owner ON notes TO ${role} USING (owner = current_setting('app.user_id', true)) WITH CHECK (owner = current_setting('app.user_id', true))`,
];

describe.each(testDatabaseTargets())('withSubject on %s', (target) => {
  let server: TestDatabase | undefined;
  let database: Database<typeof notesSchema>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-scope-'));
  const scope = { role };
  const inScope = <T>(
    subject: string,
    work: (tx: SubjectTransaction<typeof notesSchema>) => Promise<T>,
    deadlineMs?: number,
  ) => withSubject(database.db, subject, work, deadlineMs === undefined ? scope : { ...scope, deadlineMs });
  /** The session outside any scope: who it runs as and which subject it holds. */
  const session = async () =>
    rowsOf<{ user: string; subject: string | null }>(
      await database.db.execute(
        sql`select current_user as "user", nullif(current_setting('app.user_id', true), '') as subject`,
      ),
    )[0];
  /** Every note, read past row-level security (the test connects as a superuser). */
  const allBodies = async () => {
    const rows = rowsOf<{ body: string }>(await database.db.execute(sql`select body from notes order by id`));
    return rows.map((row) => row.body);
  };

  beforeAll(async () => {
    server = target === 'postgres' ? await createTestDatabase() : undefined;
    // One connection, so "the next statement on this connection" is every next statement.
    database = await openDatabase({
      url: server?.url ?? 'memory://',
      dataDir,
      name: 'notes',
      schema: notesSchema,
      poolMax: 1,
    });
    await database.migrate(notesMigrationsFolder);
    for (const statement of policySql) await database.db.execute(sql.raw(statement));
    await database.db.insert(notes).values([
      { owner: 'ada', body: "Ada's" },
      { owner: 'bob', body: "Bob's" },
    ]);
  });
  afterAll(async () => {
    await database?.close();
    await server?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the work as the role, which is neither superuser nor exempt from row-level security, with the subject set', async () => {
    const [scoped] = await inScope('ada', async (tx) =>
      rowsOf<{ user: string; subject: string; rolsuper: boolean; rolbypassrls: boolean }>(
        await tx.execute(
          sql`select current_user as "user", current_setting('app.user_id') as subject, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
        ),
      ),
    );
    expect(scoped).toEqual({ user: role, subject: 'ada', rolsuper: false, rolbypassrls: false });
  });

  it("limits a query without any filter to the subject's rows: row-level security holds alone", async () => {
    expect(await inScope('ada', (tx) => tx.select({ body: notes.body }).from(notes))).toEqual([{ body: "Ada's" }]);
    expect(await inScope('bob', (tx) => tx.select({ body: notes.body }).from(notes))).toEqual([{ body: "Bob's" }]);
    expect(await inScope('carol', (tx) => tx.select().from(notes))).toEqual([]);
  });

  it("refuses to write another subject's row (42501) and leaves the table as it was", async () => {
    expect(
      await failureSqlState(inScope('ada', (tx) => tx.insert(notes).values({ owner: 'bob', body: 'forged' }))),
    ).toBe('42501');
    expect(
      await failureSqlState(
        inScope('ada', (tx) => tx.update(notes).set({ owner: 'bob' }).where(eq(notes.owner, 'ada'))),
      ),
    ).toBe('42501');
    expect(
      await inScope('bob', (tx) => tx.update(notes).set({ body: 'taken' }).where(eq(notes.owner, 'ada')).returning()),
    ).toEqual([]);
    expect(await allBodies()).toEqual(["Ada's", "Bob's"]);
  });

  it('rolls the whole unit of work back when it throws', async () => {
    const failing = inScope('ada', async (tx) => {
      await tx.insert(notes).values({ owner: 'ada', body: 'half' });
      throw new Error('the second half failed');
    });
    await expect(failing).rejects.toThrow('the second half failed');
    expect(await allBodies()).toEqual(["Ada's", "Bob's"]);
  });

  // A scope that outlived its transaction would hand the next user of this pooled connection someone else's rows.
  it('leaves nothing behind on the connection, after a commit or a rollback: not the role, not the subject', async () => {
    const before = await session();
    expect(before?.subject).toBeNull();
    expect(before?.user).not.toBe(role);
    await inScope('ada', (tx) => tx.select().from(notes));
    expect(await session()).toEqual(before);
    await inScope('ada', () => Promise.reject(new Error('rolled back'))).catch(() => undefined);
    expect(await session()).toEqual(before);
  });

  it('refuses an empty subject or role before it reaches the database', async () => {
    await expect(inScope('', (tx) => tx.select().from(notes))).rejects.toThrow(TypeError);
    await expect(withSubject(database.db, 'ada', (tx) => tx.select().from(notes), { role: '' })).rejects.toThrow(
      TypeError,
    );
    await expect(inScope('ada', (tx) => tx.select().from(notes), 0)).rejects.toThrow(TypeError);
  });

  describe.runIf(target === 'postgres')('with a deadline', () => {
    /** Waits until every earlier statement on the one pooled connection has answered. */
    const settled = () => database.db.execute(sql`select 1`);

    it('never runs work whose deadline passed while it waited for a connection', async () => {
      // drizzle queries are lazy: `then` starts this one, and by the next turn of the event loop it holds the connection.
      const busy = database.db.execute(sql`select pg_sleep(0.4)`).then(() => undefined);
      await new Promise((resolve) => setImmediate(resolve));
      const late = inScope('ada', (tx) => tx.insert(notes).values({ owner: 'ada', body: 'waited too long' }), 100);
      await expect(late).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await busy;
      await settled();
      expect(await allBodies()).toEqual(["Ada's", "Bob's"]);
    });

    it('rolls back work that was under way when its deadline passed', async () => {
      const late = inScope(
        'ada',
        async (tx) => {
          await tx.insert(notes).values({ owner: 'ada', body: 'written too slowly' });
          await tx.execute(sql`select pg_sleep(0.3)`);
        },
        100,
      );
      await expect(late).rejects.toThrow(new DatabaseUnavailableError('the database did not answer within 100 ms'));
      await settled();
      expect(await allBodies()).toEqual(["Ada's", "Bob's"]);
    });

    it('waits for COMMIT once the work returned in time, so an answer never hides a write', async () => {
      // A deferred constraint trigger makes this one COMMIT take 300 ms, past the 100 ms deadline.
      await database.db.execute(
        sql.raw(
          `CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`,
        ),
      );
      await database.db.execute(
        sql.raw(
          `CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON notes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.body = 'slow commit') EXECUTE FUNCTION slow_commit()`,
        ),
      );
      await inScope('ada', (tx) => tx.insert(notes).values({ owner: 'ada', body: 'slow commit' }), 100);
      expect(await allBodies()).toEqual(["Ada's", "Bob's", 'slow commit']);
      await database.db.delete(notes).where(eq(notes.body, 'slow commit'));
    });
  });
});

describe('withSubject on a database that is gone', () => {
  it('rejects with DatabaseUnavailableError (database_unavailable), the driver error as its cause', async () => {
    const closed = await openDatabase({ url: 'memory://', dataDir: '', name: 'closed', schema: notesSchema });
    await closed.close();
    const error = await withSubject(closed.db, 'ada', (tx) => tx.select().from(notes), { role }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).code).toBe('database_unavailable');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
