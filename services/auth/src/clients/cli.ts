import { loadDotEnv } from '@tessera/config';
import { openDatabase, type Database } from '@tessera/db';
import { createOAuthClientStore } from '../client-credentials/index.ts';
import { loadAuthConfig } from '../config.ts';
import { MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import * as schema from '../db/schema.ts';
import { runClientsCommand } from './commands.ts';

/**
 * `npm run clients -w services/auth -- create <name> --scopes a,b | list | revoke <client_id>`
 *
 * Manages the OAuth clients of the client-credentials grant in the auth service's own database, with the
 * service's configuration (`loadAuthConfig`: AUTH_DATABASE_URL or the PGlite under DATA_DIR), migrations first.
 */
loadDotEnv();
let database: Database<typeof schema> | undefined;
try {
  process.exitCode = await runClientsCommand(
    process.argv.slice(2),
    async () => {
      const config = loadAuthConfig();
      database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, name: 'auth', schema });
      await database.migrate(MIGRATIONS_FOLDER);
      return createOAuthClientStore(database.db);
    },
    { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
  );
} catch (error) {
  // A configuration or database problem gets its message, not a stack trace: this is an operator's tool.
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await database?.close();
}
