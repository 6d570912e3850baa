import { runEntryPoint } from '@tessera/config';
import { createLogger, serve } from '@tessera/server';
import { createTasksService } from './app.ts';
import { loadTasksConfig } from './config.ts';

/** `npm start -w services/tasks`: load the config, open and migrate the database, listen on TASKS_PORT. */
runEntryPoint(async () => {
  const config = loadTasksConfig();
  const logger = createLogger({ service: 'tasks', level: config.logLevel });
  const service = await createTasksService(config, { logger });
  logger.info(
    { database: service.database.kind, jwtMode: config.verification.mode, issuer: config.issuer, audience: config.audience },
    'tasks service ready',
  );
  await serve(service.app, { port: config.port, hostname: config.host, portVariable: 'TASKS_PORT', logger, onShutdown: () => service.close() });
});
