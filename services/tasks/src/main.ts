import { ConfigError } from '@tessera/config';
import { createLogger, serve } from '@tessera/server';
import { createTasksService } from './app.ts';
import { loadTasksConfig } from './config.ts';

/** `npm start -w services/tasks`: load the config, open and migrate the database, listen on TASKS_PORT. */
async function main(): Promise<void> {
  const config = loadTasksConfig();
  const logger = createLogger({ service: 'tasks', level: config.logLevel });
  const service = await createTasksService(config, { logger });
  logger.info(
    { database: service.database.kind, jwtMode: config.verification.mode, issuer: config.issuer, audience: config.audience },
    'tasks service ready',
  );
  await serve(service.app, { port: config.port, logger, onShutdown: () => service.close() });
}

main().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: print the list of problems, not a stack trace.
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
