import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tessera/config';
import { openDatabase } from '@tessera/db';
import { createTestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from './run-migrations.ts';

const migrationsFolder = fileURLToPath(new URL('../fixtures/migrations', import.meta.url));
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-migrate-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(testDatabaseTargets())('migrateDatabase on %s', (target) => {
  it("applies the service's migrations to the database its variables name, and can run again", async () => {
    const test = target === 'postgres' ? await createTestDatabase() : undefined;
    try {
      // The embedded target keeps its files under DATA_DIR, so a second open sees what the first one did.
      const env = { DATA_DIR: dataDir, ...(test === undefined ? {} : { NOTES_DATABASE_URL: test.url }) };
      const kind = test === undefined ? 'pglite' : 'postgres';
      expect(await migrateDatabase({ name: 'notes', migrationsFolder }, env)).toBe(
        `notes: migrations applied (${kind})`,
      );
      expect(await migrateDatabase({ name: 'notes', migrationsFolder }, env)).toBe(
        `notes: migrations applied (${kind})`,
      );

      const database = await openDatabase({ url: test?.url, dataDir, name: 'notes', schema: {} });
      try {
        const result = await database.db.execute(sql`select count(*)::int as count from notes`);
        const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
        expect(rows).toEqual([{ count: 0 }]);
      } finally {
        await database.close();
      }
    } finally {
      await test?.drop();
    }
  }, 120_000);
});

describe('migrateDatabase', () => {
  it('refuses a database URL that is not one, naming the variable', async () => {
    await expect(
      migrateDatabase(
        { name: 'notes', migrationsFolder },
        { NOTES_DATABASE_URL: 'mysql://db/notes', DATA_DIR: dataDir },
      ),
    ).rejects.toThrow(ConfigError);
  });
});
