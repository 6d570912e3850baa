import { ConfigError } from '@tessera/config';
import { openDatabase } from '@tessera/db';
import { MIGRATIONS_FOLDER } from './app.ts';
import { databaseLocation } from './config.ts';
import * as schema from './db/schema.ts';

/**
 * `npm run db:migrate -w services/auth`: applies pending migrations to AUTH_DATABASE_URL (or the embedded
 * PGlite under DATA_DIR). Needs no secrets, so it can run as a separate deploy step.
 */
const { databaseUrl, dataDir } = databaseLocation();
const database = await openDatabase({ url: databaseUrl, dataDir, name: 'auth', schema }).catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
try {
  await database.migrate(MIGRATIONS_FOLDER);
  process.stdout.write(`auth: migrations applied (${database.kind})\n`);
} catch (error) {
  process.stderr.write(`auth: migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
