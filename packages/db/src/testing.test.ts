import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';
import { createTestDatabase, testDatabaseTargets } from './testing.ts';

const serverUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;

describe('testDatabaseTargets', () => {
  const saved = process.env.TEST_DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  });

  it('is PGlite only without TEST_DATABASE_URL', () => {
    delete process.env.TEST_DATABASE_URL;
    expect(testDatabaseTargets()).toEqual(['memory://']);
    process.env.TEST_DATABASE_URL = '';
    expect(testDatabaseTargets()).toEqual(['memory://']);
  });

  it('adds postgres when TEST_DATABASE_URL is set', () => {
    process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
    expect(testDatabaseTargets()).toEqual(['memory://', 'postgres']);
  });

  it('createTestDatabase refuses to run without TEST_DATABASE_URL', async () => {
    delete process.env.TEST_DATABASE_URL;
    await expect(createTestDatabase()).rejects.toThrow(/TEST_DATABASE_URL/);
  });
});

describe.skipIf(serverUrl === undefined)('createTestDatabase on Postgres', () => {
  async function databaseExists(name: string): Promise<boolean> {
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    try {
      const rows = await admin`select 1 from pg_database where datname = ${name}`;
      return rows.length === 1;
    } finally {
      await admin.end();
    }
  }

  it('creates a fresh tessera_t_* database on the same server and drops it', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    const name = new URL(first.url).pathname.slice(1);
    expect(name).toMatch(/^tessera_t_[0-9a-f]{12}$/);
    expect(new URL(first.url).host).toBe(new URL(serverUrl!).host);
    expect(second.url).not.toBe(first.url);
    expect(await databaseExists(name)).toBe(true);

    await Promise.all([first.drop(), second.drop()]);
    await first.drop(); // a second drop is harmless
    expect(await databaseExists(name)).toBe(false);
  });

  it('drops a database that still has open connections, and pings then reject', async () => {
    const testDatabase = await createTestDatabase();
    const database = await openDatabase({
      url: testDatabase.url,
      dataDir: '/nonexistent',
      name: 'left-open',
      schema: {},
    });
    await database.ping();
    await testDatabase.drop();
    expect(await databaseExists(new URL(testDatabase.url).pathname.slice(1))).toBe(false);
    await expect(database.ping()).rejects.toThrow();
    await database.close();
  });
});
