import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '@tessera/db';
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import { createLogger } from '@tessera/server';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import * as schema from '../db/schema.ts';
import { createRevocationFeed, type RevocationFeed } from './revocation-feed.ts';

const logger = createLogger({ service: 'auth', level: 'silent' });
const retentionSeconds = 930;

/** A revocation row as the triggers write it, `secondsAgo` in the past. */
function insertRevocation(database: Database<typeof schema>, sid: string, secondsAgo = 0) {
  return database.db.execute(
    sql`insert into revocation (sid, revoked_at) values (${sid}, clock_timestamp() - make_interval(secs => ${secondsAgo}))`,
  );
}

const idsOf = (feed: RevocationFeed) => feed.all().map((entry) => ('sid' in entry ? entry.sid : entry.client_id));

describe.each(testDatabaseTargets())('the revocation feed on %s', (target) => {
  let testDatabase: TestDatabase | undefined;
  let database: Database<typeof schema>;
  let feed: RevocationFeed | undefined;

  beforeEach(async () => {
    testDatabase = target === 'postgres' ? await createTestDatabase() : undefined;
    database = await openDatabase({
      url: testDatabase?.url ?? 'memory://',
      dataDir: '/nonexistent',
      name: 'auth',
      schema,
    });
    await database.migrate(MIGRATIONS_FOLDER);
  });
  afterEach(async () => {
    feed?.close();
    await database.close();
    await testDatabase?.drop();
  });

  const revoke = (sid: string, secondsAgo = 0) => insertRevocation(database, sid, secondsAgo);

  it('loads the rows still in force at start, and leaves out older ones', async () => {
    await revoke('recent', 60);
    await revoke('too-old', retentionSeconds + 60);
    feed = createRevocationFeed({ db: database.db, retentionSeconds, logger });
    await feed.start();
    expect(idsOf(feed)).toEqual(['recent']);
  });

  it('deletes rows past their retention from the table', async () => {
    await revoke('too-old', retentionSeconds + 60);
    await revoke('recent');
    feed = createRevocationFeed({ db: database.db, retentionSeconds, logger, pollIntervalMs: 10, pruneIntervalMs: 0 });
    await feed.start();
    await vi.waitFor(async () => {
      const result = await database.db.execute(sql`select sid from revocation order by sid`);
      const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
      expect(rows).toEqual([{ sid: 'recent' }]);
    });
  });

  it('gives each change a new cursor and answers what came after a cursor', async () => {
    feed = createRevocationFeed({ db: database.db, retentionSeconds, logger, pollIntervalMs: 10 });
    await feed.start();
    const first = feed.cursor;
    await revoke('one');
    await feed.waitForChange(first, 5_000);
    const second = feed.cursor;
    await revoke('two');
    await feed.waitForChange(second, 5_000);
    expect(feed.after(first)?.map((entry) => ('sid' in entry ? entry.sid : ''))).toEqual(['one', 'two']);
    expect(feed.after(second)?.map((entry) => ('sid' in entry ? entry.sid : ''))).toEqual(['two']);
    expect(feed.after(feed.cursor)).toEqual([]);
    expect(feed.after('another-process.1')).toBeUndefined();
    expect(feed.after(`${feed.cursor.split('.')[0]}.999`)).toBeUndefined();
  });
});

describe.runIf(testDatabaseTargets().includes('postgres'))('the revocation feed and concurrent transactions', () => {
  let testDatabase: TestDatabase;
  let database: Database<typeof schema>;
  let feed: RevocationFeed | undefined;

  beforeEach(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: '/nonexistent', name: 'auth', schema });
    await database.migrate(MIGRATIONS_FOLDER);
  });
  afterEach(async () => {
    feed?.close();
    await database.close();
    await testDatabase.drop();
  });

  it('finds a row committed after rows with higher ids were already read', async () => {
    feed = createRevocationFeed({ db: database.db, retentionSeconds, logger, pollIntervalMs: 10 });
    await feed.start();
    const slow = postgres(testDatabase.url, { max: 1, onnotice: () => {}, fetch_types: false });
    try {
      const late = `late-${randomUUID()}`;
      let commitLate = () => {};
      const lateCommitted = slow.begin(async (transaction) => {
        // Takes its id first, then commits last.
        await transaction`insert into revocation (sid) values (${late})`;
        await new Promise<void>((resolve) => {
          commitLate = resolve;
        });
      });
      await vi.waitFor(async () => {
        const result = await database.db.execute(
          sql`select count(*)::int as running from pg_stat_activity where state = 'idle in transaction'`,
        );
        const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { running: number }[];
        expect(row?.running).toBeGreaterThanOrEqual(1);
      });
      await insertRevocation(database, 'early');
      await vi.waitFor(() => expect(idsOf(feed!)).toEqual(['early']));
      commitLate();
      await lateCommitted;
      await vi.waitFor(() => expect(idsOf(feed!)).toEqual(['early', late]));
    } finally {
      await slow.end();
    }
  });
});
