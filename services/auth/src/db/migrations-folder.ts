import { fileURLToPath } from 'node:url';

/** drizzle-kit's SQL migrations of this service (`services/auth/drizzle`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
