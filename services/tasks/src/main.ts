import { startService } from '@tessera/server';
import { createTasksService } from './app.ts';
import { loadTasksConfig } from './config.ts';

/** `npm start -w services/tasks`: load the config, open and migrate the database, listen on TASKS_PORT. */
startService({
  name: 'tasks',
  loadConfig: loadTasksConfig,
  create: createTasksService,
  describe: (config, service) => ({
    database: service.database.kind,
    jwtMode: config.verification.mode,
    issuer: config.issuer,
    audience: config.audience,
  }),
});
