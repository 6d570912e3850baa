import { loadDatabaseLocation, runEntryPoint } from '@tessera/config';
import { openDatabase } from '@tessera/db';

/** Options of {@link runMigrations}. */
export type RunMigrationsOptions = {
  /** The service's name: its database is `<NAME>_DATABASE_URL`, or the embedded PGlite at `<DATA_DIR>/<name>`. */
  name: string;
  /** Absolute path of the service's drizzle-kit migrations folder. */
  migrationsFolder: string;
};

/**
 * Applies a service's pending migrations and exits, and is the whole of its `migrate.ts` (`npm run db:migrate`).
 * It reads only the database's location, no secrets, so it can run as a deploy step of its own.
 */
export function runMigrations(options: RunMigrationsOptions): void {
  runEntryPoint(async () => {
    process.stdout.write(`${await migrateDatabase(options)}\n`);
  });
}

/** {@link runMigrations} without the process around it; resolves to the line it prints. */
export async function migrateDatabase(
  { name, migrationsFolder }: RunMigrationsOptions,
  source = process.env,
): Promise<string> {
  const { url, dataDir } = loadDatabaseLocation(name, source);
  const database = await openDatabase({ url, dataDir, name, schema: {} });
  try {
    await database.migrate(migrationsFolder);
    return `${name}: migrations applied (${database.kind})`;
  } finally {
    await database.close();
  }
}
