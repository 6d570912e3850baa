export { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors.ts';
export { DatabaseInUseError } from './directory-lock.ts';
export type { AppDatabase, Database, OpenDatabaseOptions } from './open-database.ts';
export { openDatabase } from './open-database.ts';
export type { SubjectScopeOptions, SubjectTransaction } from './with-subject.ts';
export { withSubject } from './with-subject.ts';
