import { runEntryPoint } from '@tessera/config';
import { openDatabase } from '@tessera/db';
import { databaseLocation } from './config.ts';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.ts';
import * as schema from './db/schema.ts';

/**
 * `npm run db:migrate -w services/auth`: applies pending migrations to AUTH_DATABASE_URL (or the embedded
 * PGlite under DATA_DIR). Needs no secrets, so it can run as a separate deploy step.
 */
runEntryPoint(async () => {
  const { databaseUrl, dataDir } = databaseLocation();
  const database = await openDatabase({ url: databaseUrl, dataDir, name: 'auth', schema });
  try {
    await database.migrate(MIGRATIONS_FOLDER);
    process.stdout.write(`auth: migrations applied (${database.kind})\n`);
  } finally {
    await database.close();
  }
});
