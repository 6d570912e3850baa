import { startService } from '@tessera/server';
import { createAuthService } from './app.ts';
import { loadAuthConfig } from './config.ts';

/** `npm start -w services/auth`: load the configuration, open the database, listen on AUTH_PORT until SIGTERM. */
startService({
  name: 'auth',
  loadConfig: loadAuthConfig,
  create: createAuthService,
  describe: (config) => ({ publicUrl: config.url }),
});
