import { defineConfig } from 'drizzle-kit';

/** drizzle-kit only generates SQL here (`npm run db:generate`); the service applies it on start. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
