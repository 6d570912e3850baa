export { openDatabase } from './open-database.ts';
export type { AppDatabase, Database, OpenDatabaseOptions } from './open-database.ts';
export { DatabaseInUseError } from './directory-lock.ts';
