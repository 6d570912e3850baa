/**
 * "The docs' way": the tasks list as a team following Better Auth's and drizzle's docs would write it, the HTTP
 * benchmark's yardstick for the tasks service. A plain Hono app that verifies the user JWT with jose's
 * `createRemoteJWKSet` and `jwtVerify` on every request (Better Auth's JWT plugin docs,
 * https://better-auth.com/docs/plugins/jwt; jose keeps the fetched keys, nothing keeps verified tokens), and
 * lists with one drizzle `select … where user_id = $sub`, outside any transaction, connected as the user that
 * migrated (a superuser, whom no row-level-security policy binds): no RLS, no repository. It answers
 * `GET /v1/tasks` with the tasks service's shape, `{ items, nextCursor }`.
 */
import { PGlite } from '@electric-sql/pglite';
import type { AppDatabase } from '@tessera/db';
import { and, asc, eq, gt, or, type SQL, sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { Hono } from 'hono';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import postgres from 'postgres';

/** The team's own declaration of the `tasks` table (the same table the tasks service migrates). */
export const tasks = pgTable('tasks', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: text('user_id').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  status: text('status').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Where the docs' way keeps its tasks. */
export type DocsWayDatabase =
  /** The tasks service's own Postgres database, through a postgres-js pool with the driver's defaults. */
  | { kind: 'postgres'; url: string }
  /**
   * Embedded PGlite in a directory of its own (PGlite admits one opener per directory, and the tasks service does
   * not hand out its handle), created by the tasks service's migrations (`migrationsFolder`); {@link DocsWayService.copy}
   * fills it with the tasks service's rows.
   */
  | { kind: 'pglite'; directory: string; migrationsFolder: string };

export type DocsWayOptions = {
  /** The auth service's URL: its JWKS is at `/api/auth/jwks`. */
  authUrl: string;
  /** The `iss` to require (Better Auth's default: its base URL). */
  issuer: string;
  /** The `aud` to require. */
  audience: string;
  database: DocsWayDatabase;
};

/** A task row as the API shows it, ready to copy into the docs' way's own PGlite. */
export type TaskRow = {
  id: string;
  userId: string;
  title: string;
  description: string | null;
  status: string;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type DocsWayService = {
  app: Hono;
  /** Inserts tasks as they are (ids and timestamps kept), one statement; for the embedded database only. */
  copy(rows: readonly TaskRow[]): Promise<void>;
  close(): Promise<void>;
};

const defaultLimit = 50;
const maxLimit = 200;

/** drizzle over postgres-js or PGlite, as drizzle's docs start either; the embedded one still needs its tables. */
function connect(database: DocsWayDatabase) {
  if (database.kind === 'postgres') {
    const client = postgres(database.url);
    return { db: drizzlePostgres({ client }), migrate: async () => {}, close: () => client.end({ timeout: 2 }) };
  }
  const client = new PGlite(database.directory);
  const db = drizzlePglite({ client });
  return {
    db,
    migrate: () => migratePglite(db, { migrationsFolder: database.migrationsFolder }),
    close: () => client.close(),
  };
}

/** The cursor: the last task's `(createdAt, id)`, base64url JSON. */
function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** The condition "after the cursor's task", or `undefined` for a cursor that is not one. */
function afterCursor(cursor: string): SQL | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const at = new Date(createdAt);
    if (Number.isNaN(at.getTime()) || typeof id !== 'string') return undefined;
    return or(gt(tasks.createdAt, at), and(eq(tasks.createdAt, at), gt(tasks.id, id)));
  } catch {
    return undefined;
  }
}

/** What {@link selectPage} runs on: a drizzle database or transaction, on PGlite or postgres-js. */
export type Selects = Pick<AppDatabase, 'select'>;

/**
 * The docs' way's one statement: up to `limit` of the subject's tasks after `after`, oldest first. Also what
 * `rls-cost.ts` runs inside and outside the subject scope.
 */
export function selectPage(
  db: Selects,
  subject: string,
  limit: number,
  { status, after }: { status?: string | undefined; after?: SQL | undefined } = {},
) {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.userId, subject), status === undefined ? undefined : eq(tasks.status, status), after))
    .orderBy(asc(tasks.createdAt), asc(tasks.id))
    .limit(limit);
}

/** Opens the database and builds the app; nothing listens. */
export async function createDocsWayService({
  authUrl,
  issuer,
  audience,
  database,
}: DocsWayOptions): Promise<DocsWayService> {
  const { db, migrate, close } = connect(database);
  try {
    await migrate();
  } catch (error) {
    await close();
    throw error;
  }
  const jwks = createRemoteJWKSet(new URL('/api/auth/jwks', authUrl));

  const app = new Hono();
  app.get('/v1/tasks', async (c) => {
    const token = c.req.header('Authorization')?.replace(/^Bearer /, '');
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(token ?? '', jwks, { issuer, audience });
      subject = payload.sub;
    } catch {
      subject = undefined;
    }
    if (subject === undefined) return c.json({ error: 'unauthorized' }, 401);

    const limit = Number(c.req.query('limit') ?? defaultLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
      return c.json({ error: 'limit must be 1 to 200' }, 400);
    const cursor = c.req.query('cursor');
    const after = cursor === undefined ? undefined : afterCursor(cursor);
    if (cursor !== undefined && after === undefined) return c.json({ error: 'bad cursor' }, 400);

    const rows = await selectPage(db, subject, limit + 1, { status: c.req.query('status'), after });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null;
    return c.json({ items, nextCursor });
  });

  return {
    app,
    copy: async (rows) => {
      if (database.kind !== 'pglite')
        throw new Error("the docs' way reads the tasks service's own Postgres database: nothing to copy");
      const records = rows.map((row) => ({
        id: row.id,
        user_id: row.userId,
        title: row.title,
        description: row.description,
        status: row.status,
        due_at: row.dueAt,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      }));
      await db.execute(
        sql`insert into tasks select * from json_populate_recordset(null::tasks, ${JSON.stringify(records)})`,
      );
    },
    close,
  };
}
