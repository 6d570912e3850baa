import { testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../test/support/sql-rows.ts';
import { useTasksDatabase } from '../../test/support/tasks-database.ts';
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

  it('sends nothing when the caller has already given up', async () => {
    const gaveUp = new AbortController();
    gaveUp.abort(new Error('deadline passed'));
    await expect(runStatement(database().db, insert, ['user-a', 'too late'], { signal: gaveUp.signal })).rejects.toThrow('deadline passed');
    expect(await titles()).not.toContain('too late');
  });

  it.runIf(target === 'postgres')('never sends a statement whose caller gave up while it waited for a connection', async () => {
    const busy = runStatement(database().db, 'select pg_sleep(0.4)', []);
    const gaveUp = new AbortController();
    const queued = runStatement(database().db, insert, ['user-a', 'queued too long'], { signal: gaveUp.signal });
    setTimeout(() => gaveUp.abort(new Error('deadline passed')), 100);
    await expect(queued).rejects.toThrow('deadline passed');
    await busy;
    expect(await titles()).not.toContain('queued too long');
  });

  it.runIf(target === 'postgres')('keeps the queue in order when a caller in the middle of it gives up', async () => {
    const busy = runStatement(database().db, 'select pg_sleep(0.3)', []);
    const gaveUp = new AbortController();
    const answered: string[] = [];
    const queue = (title: string, signal?: AbortSignal) => runStatement(database().db, insert, ['user-a', title], signal ? { signal } : {}).then(() => answered.push(title));
    const first = queue('queued first');
    const leaving = queue('left the queue', gaveUp.signal);
    const last = queue('queued last');
    gaveUp.abort(new Error('deadline passed'));
    await expect(leaving).rejects.toThrow('deadline passed');
    await Promise.all([busy, first, last]);
    expect(answered).toEqual(['queued first', 'queued last']);
    expect(await titles()).not.toContain('left the queue');
  });

  it.runIf(target === 'postgres')('pipelines a read onto a busy connection, but keeps a write waiting until one is free', async () => {
    const busy = runStatement(database().db, 'select pg_sleep(0.3)', [], { readOnly: true });
    const readGaveUp = new AbortController();
    const writeGaveUp = new AbortController();
    const read = runStatement(database().db, 'select $1::text', ['read'], { readOnly: true, signal: readGaveUp.signal });
    const write = runStatement(database().db, insert, ['user-a', 'write while busy'], { signal: writeGaveUp.signal });
    setTimeout(() => {
      readGaveUp.abort(new Error('deadline passed'));
      writeGaveUp.abort(new Error('deadline passed'));
    }, 100);
    const [readOutcome, writeOutcome] = await Promise.allSettled([read, write, busy]);
    // The read went out behind the busy statement, so giving up could no longer stop it; the write had not.
    expect(readOutcome).toEqual({ status: 'fulfilled', value: [['read']] });
    expect(writeOutcome).toMatchObject({ status: 'rejected', reason: new Error('deadline passed') });
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

  it.runIf(target === 'postgres')('lets a statement that was already sent finish (it is one transaction) and the pool go on', async () => {
    const gaveUp = new AbortController();
    const running = runStatement(database().db, 'select pg_sleep(0.2), $1::text', ['done'], { signal: gaveUp.signal });
    setTimeout(() => gaveUp.abort(new Error('deadline passed')), 50);
    expect((await running)[0]?.[1]).toBe('done');
    expect(await runStatement(database().db, 'select 1', [])).toEqual([[1]]);
  });
});
