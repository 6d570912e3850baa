import { runMigrations } from '@tessera/server';
import { migrationsFolder } from './db/database.ts';

/** `npm run db:migrate -w services/tasks`: apply pending migrations to TASKS_DATABASE_URL (or the embedded default) and exit. */
runMigrations({ name: 'tasks', migrationsFolder });
