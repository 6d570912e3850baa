import { runMigrations } from '@tessera/server';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.ts';

/**
 * `npm run db:migrate -w services/auth`: applies pending migrations to AUTH_DATABASE_URL (or the embedded
 * PGlite under DATA_DIR). Needs no secrets, so it can run as a separate deploy step.
 */
runMigrations({ name: 'auth', migrationsFolder: MIGRATIONS_FOLDER });
