import { runEntryPoint } from '@tessera/config';
import { createLogger, serve } from '@tessera/server';
import { createAuthService } from './app.ts';
import { loadAuthConfig } from './config.ts';

/** `npm start -w services/auth`: load the configuration, open the database, listen on AUTH_PORT until SIGTERM. */
runEntryPoint(async () => {
  const config = loadAuthConfig();
  const logger = createLogger({ service: 'auth', level: config.logLevel });
  const service = await createAuthService(config, { logger });
  const server = await serve(service.app, { port: config.port, hostname: config.host, portVariable: 'AUTH_PORT', logger, onShutdown: () => service.close() });
  logger.info({ url: config.url, listening: server.listening }, `auth service listening on ${server.listening}, public URL ${config.url}`);
});
