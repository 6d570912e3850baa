import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A database created for one test file; `drop()` removes it (and is safe to call twice). */
export type TestDatabase = { url: string; drop(): Promise<void> };

/** Where integration tests run: always in-memory PGlite, plus Postgres when `TEST_DATABASE_URL` is set. */
export type TestDatabaseTarget = 'memory://' | 'postgres';

/** `['memory://']`, plus `'postgres'` when `TEST_DATABASE_URL` is set; for `describe.each(testDatabaseTargets())`. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  return testServerUrl() === undefined ? ['memory://'] : ['memory://', 'postgres'];
}

/**
 * Creates a fresh, empty database `tessera_t_<random>` on the server of `TEST_DATABASE_URL` and returns its URL,
 * so test files never share tables or see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  if (serverUrl === undefined)
    throw new Error('TEST_DATABASE_URL is not set: use testDatabaseTargets() to skip Postgres');

  const name = `tessera_t_${randomBytes(6).toString('hex')}`;
  await withAdminConnection(serverUrl, (admin) => admin.unsafe(`create database "${name}"`));

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.href,
    drop: () =>
      (dropped ??= withAdminConnection(serverUrl, async (admin) => {
        // A pool that was not closed (a failed test) would block DROP DATABASE; end its sessions first.
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
        await admin.unsafe(`drop database if exists "${name}"`);
      })),
  };
}

function testServerUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url === '' ? undefined : url;
}

async function withAdminConnection(serverUrl: string, run: (admin: postgres.Sql) => Promise<unknown>): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await run(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * The rows of a raw `db.execute(sql…)` result. postgres-js answers an array of rows, PGlite an object with
 * `rows`; tests that run raw SQL on both drivers read them through this one function.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows))
    return result.rows as Row[];
  throw new TypeError('not a query result');
}

/**
 * Awaits `query`, which must fail, and returns its SQLSTATE: the driver error's `code`, also when drizzle wrapped it
 * (`cause`). Lets a test assert *why* a statement failed (42501: refused by row-level security).
 */
export async function failureSqlState(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    for (
      let current: unknown = error, depth = 0;
      current instanceof Error && depth < 5;
      current = current.cause, depth++
    ) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    }
    return undefined;
  }
  throw new Error('the query succeeded but was expected to fail');
}
