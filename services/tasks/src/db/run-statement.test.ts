import { testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../test/support/sql-rows.ts';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
import { DatabaseUnavailableError } from './database-errors.ts';
import { runStatement } from './run-statement.ts';

describe.each(testDatabaseTargets())('runStatement on %s', (target) => {
  const database = useTasksDatabase(target, { poolMax: 1 });
  // As the connecting (migrating) user, outside any subject scope: these statements are about the driver only.
  const insert = 'insert into tasks (user_id, title) values ($1, $2) returning user_id, title';
  const titles = async () => rowsOf<{ title: string }>(await database().db.execute(sql`select title from tasks order by title`)).map((row) => row.title);

  it('returns the rows as arrays in column order, with parameters bound', async () => {
    expect(await runStatement(database().db, 'select $1::text as a, $2::int as b, null::text as c', ['x', 7])).toEqual([['x', 7, null]]);
    expect(await runStatement(database().db, insert, ['user-a', 'first'])).toEqual([['user-a', 'first']]);
  });

  it.runIf(target === 'postgres')('prepares a statement once per connection, then only binds and executes it', async () => {
    // Unprepared, every call would send Parse and Describe, wait for the parameter types, then Bind and Execute:
    // two round trips, and the server parsing and planning the call again each time.
    const statement = 'select $1::text as prepared_probe';
    for (const value of ['a', 'b', 'c']) expect(await runStatement(database().db, statement, [value])).toEqual([[value]]);
    const prepared = rowsOf<{ statement: string }>(await database().db.execute(sql`select statement from pg_prepared_statements`)).filter((row) => row.statement === statement);
    expect(prepared).toHaveLength(1);
  });

  // On PGlite a statement runs on this thread, so no timer can fire before it ends: the deadline bounds waiting on
  // Postgres only.
  it.runIf(target === 'postgres')('fails with DatabaseUnavailableError when its deadline passes, and the database goes on', async () => {
    // Sent at once (nothing else in flight), so the row is written even though the caller was already told no.
    const slowInsert = 'insert into tasks (user_id, title) select $1, $2 from pg_sleep(0.3) returning title';
    const late = runStatement(database().db, slowInsert, ['user-a', 'sent before the deadline'], { deadlineMs: 50 });
    // Rejected, not answered: the statement itself would have answered, 300 ms later.
    await expect(late).rejects.toThrow(new DatabaseUnavailableError('the database did not answer within 50 ms'));
    // One statement is one transaction: what was sent is written whole, after the deadline.
    await expect.poll(titles, { timeout: 2_000 }).toContain('sent before the deadline');
    expect(await runStatement(database().db, 'select 1', [], { deadlineMs: 1_000 })).toEqual([[1]]);
  });

  it('answers within the deadline like without one', async () => {
    expect(await runStatement(database().db, 'select $1::text', ['in time'], { deadlineMs: 1_000, readOnly: true })).toEqual([['in time']]);
  });

  it.runIf(target === 'postgres')('never sends a statement whose deadline passed while it waited for a connection', async () => {
    const busy = runStatement(database().db, 'select pg_sleep(0.4)', []);
    const queued = runStatement(database().db, insert, ['user-a', 'queued too long'], { deadlineMs: 100 });
    await expect(queued).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await busy;
    expect(await titles()).not.toContain('queued too long');
  });

  it.runIf(target === 'postgres')('keeps the queue in order when a statement in the middle of it leaves at its deadline', async () => {
    const busy = runStatement(database().db, 'select pg_sleep(0.3)', []);
    const answered: string[] = [];
    const queue = (title: string, deadlineMs?: number) =>
      runStatement(database().db, insert, ['user-a', title], deadlineMs === undefined ? {} : { deadlineMs }).then(() => answered.push(title));
    const first = queue('queued first');
    const leaving = queue('left the queue', 50);
    const last = queue('queued last');
    await expect(leaving).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await Promise.all([busy, first, last]);
    expect(answered).toEqual(['queued first', 'queued last']);
    expect(await titles()).not.toContain('left the queue');
  });

  it.runIf(target === 'postgres')('pipelines a read onto a busy connection, but keeps a write waiting until one is free', async () => {
    // Both statements insert, so the table shows which one was sent; only the first is marked as a read.
    const busy = runStatement(database().db, 'select pg_sleep(0.3)', [], { readOnly: true });
    const asRead = runStatement(database().db, insert, ['user-a', 'sent as a read'], { readOnly: true, deadlineMs: 100 });
    const write = runStatement(database().db, insert, ['user-a', 'write while busy'], { deadlineMs: 100 });
    const outcomes = await Promise.allSettled([asRead, write]);
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && outcome.reason instanceof DatabaseUnavailableError)).toEqual([true, true]);
    await busy;
    // The "read" went out behind the busy statement at once, so it ran after all; the write never left the queue.
    await expect.poll(titles, { timeout: 2_000 }).toContain('sent as a read');
    expect(await titles()).not.toContain('write while busy');
  });

  it.runIf(target === 'postgres')('lets no read overtake a write that waits for a free connection', async () => {
    const answered: string[] = [];
    const track = (name: string, running: Promise<unknown>) => running.then(() => answered.push(name));
    const busy = track('busy read', runStatement(database().db, 'select pg_sleep(0.2)', [], { readOnly: true }));
    const write = track('write', runStatement(database().db, insert, ['user-a', 'waited for a free connection'], {}));
    const read = track('later read', runStatement(database().db, 'select 1', [], { readOnly: true }));
    await Promise.all([busy, write, read]);
    expect(answered).toEqual(['busy read', 'write', 'later read']);
  });
});
