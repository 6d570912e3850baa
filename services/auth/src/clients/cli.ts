import { runEntryPoint } from '@tessera/config';
import { type Database, openDatabase } from '@tessera/db';
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
 * Like every entry point, `runEntryPoint` loads `.env` and prints configuration problems without a stack.
 */
runEntryPoint(async () => {
  let database: Database<typeof schema> | undefined;
  try {
    return await runClientsCommand(
      process.argv.slice(2),
      async () => {
        const config = loadAuthConfig();
        database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, name: 'auth', schema });
        await database.migrate(MIGRATIONS_FOLDER);
        return createOAuthClientStore(database.db);
      },
      { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) },
    );
  } finally {
    await database?.close();
  }
});
