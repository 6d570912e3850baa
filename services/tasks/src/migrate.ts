import { runEntryPoint } from '@tessera/config';
import { loadTasksConfig } from './config.ts';
import { openTasksDatabase } from './db/database.ts';

/** `npm run db:migrate -w services/tasks`: apply pending migrations to TASKS_DATABASE_URL (or the embedded default) and exit. */
runEntryPoint(async () => {
  const config = loadTasksConfig();
  const database = await openTasksDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await database.close();
  console.log(`tasks: migrations applied (${database.kind})`);
});
