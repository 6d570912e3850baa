import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tessera/config';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notes, notesMigrationsFolder, notesSchema } from './fixtures/notes-schema.ts';
import { type AppDatabase, type Database, openDatabase } from './open-database.ts';
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from './testing.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-db-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(testDatabaseTargets())('openDatabase on %s', (target) => {
  let database: Database<typeof notesSchema>;
  let testDatabase: TestDatabase | undefined;

  beforeEach(async () => {
    testDatabase = target === 'postgres' ? await createTestDatabase() : undefined;
    database = await openDatabase({
      url: testDatabase?.url ?? 'memory://',
      dataDir,
      name: 'notes',
      schema: notesSchema,
      poolMax: 2,
    });
  });
  afterEach(async () => {
    await database.close();
    await testDatabase?.drop();
  });

  it('reports which driver it uses', () => {
    expect(database.kind).toBe(target === 'postgres' ? 'postgres' : 'pglite');
  });

  it('applies migrations once, even when migrate runs twice', async () => {
    await database.migrate(notesMigrationsFolder);
    await database.migrate(notesMigrationsFolder);
    const applied = await database.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
    // postgres-js answers an array of rows, PGlite an object with `rows`
    const rows = Array.isArray(applied) ? applied : (applied as unknown as { rows: unknown[] }).rows;
    expect(rows).toEqual([{ count: 2 }]);
  });

  it('runs typed queries and relational queries from the schema', async () => {
    await database.migrate(notesMigrationsFolder);
    await database.db.insert(notes).values([
      { owner: 'ada', body: 'first' },
      { owner: 'bob', body: 'second' },
    ]);
    const adas = await database.db.select().from(notes).where(eq(notes.owner, 'ada'));
    expect(adas).toEqual([{ id: 1, owner: 'ada', body: 'first' }]);
    const bobs = await database.db.query.notes.findMany({ where: eq(notes.owner, 'bob') });
    expect(bobs.map((note) => note.body)).toEqual(['second']);
  });

  it('is assignable to AppDatabase, the type repositories take', async () => {
    const count = async (db: AppDatabase<typeof notesSchema>) => (await db.select().from(notes)).length;
    await database.migrate(notesMigrationsFolder);
    expect(await count(database.db)).toBe(0);
  });

  it('pings while open and rejects after close; close is idempotent', async () => {
    await expect(database.ping()).resolves.toBeUndefined();
    await Promise.all([database.close(), database.close()]);
    await database.close();
    await expect(database.ping()).rejects.toThrow();
  });

  it('lets two instances starting together migrate the same database', async () => {
    const other = await openDatabase({
      url: testDatabase?.url ?? 'memory://',
      dataDir,
      name: 'notes',
      schema: notesSchema,
      poolMax: 1,
    });
    try {
      // In memory each instance is its own database; on Postgres both race for the same one.
      await Promise.all([database.migrate(notesMigrationsFolder), other.migrate(notesMigrationsFolder)]);
      await database.db.insert(notes).values({ owner: 'ada', body: 'after both migrations' });
      expect(await database.db.select().from(notes)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it.runIf(target === 'postgres')('never opens more connections than poolMax', async () => {
    const name = new URL(testDatabase!.url).pathname.slice(1);
    const observer = await openDatabase({
      url: process.env.TEST_DATABASE_URL,
      dataDir,
      name: 'observer',
      schema: {},
      poolMax: 1,
    });
    try {
      // drizzle queries are lazy: Promise.all starts them all at once
      const queries = Promise.all(Array.from({ length: 6 }, () => database.db.execute(sql`select pg_sleep(0.3)`)));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const activity = await observer.db.execute(
        sql`select count(*)::int as connections from pg_stat_activity where datname = ${name}`,
      );
      await queries;
      expect(Array.from(activity as unknown as { connections: number }[])[0]?.connections).toBe(2);
    } finally {
      await observer.close();
    }
  });

  it.runIf(target === 'postgres')(
    'cancels a statement that outlasts statementTimeoutMs, on every pooled connection',
    async () => {
      const limited = await openDatabase({
        url: testDatabase!.url,
        dataDir,
        name: 'limited',
        schema: {},
        poolMax: 2,
        statementTimeoutMs: 200,
      });
      try {
        const sleeps = await Promise.allSettled([0, 1].map(() => limited.db.execute(sql`select pg_sleep(2)`)));
        // 57014: query_canceled, the statement timeout, on both connections.
        expect(
          sleeps.map((outcome) =>
            outcome.status === 'rejected' ? (outcome.reason as { cause?: { code?: string } }).cause?.code : 'answered',
          ),
        ).toEqual(['57014', '57014']);
        const [row] = Array.from(
          (await limited.db.execute(sql`select current_setting('statement_timeout') as timeout`)) as unknown as {
            timeout: string;
          }[],
        );
        expect(row?.timeout).toBe('200ms');
      } finally {
        await limited.close();
      }
    },
  );

  it.runIf(target === 'postgres')(
    'ends a transaction left idle past idleInTransactionTimeoutMs, rolls it back, and reconnects',
    async () => {
      await database.migrate(notesMigrationsFolder);
      const limited = await openDatabase({
        url: testDatabase!.url,
        dataDir,
        name: 'limited',
        schema: notesSchema,
        poolMax: 1,
        idleInTransactionTimeoutMs: 200,
      });
      try {
        const [row] = Array.from(
          (await limited.db.execute(
            sql`select current_setting('idle_in_transaction_session_timeout') as timeout`,
          )) as unknown as { timeout: string }[],
        );
        expect(row?.timeout).toBe('200ms');
        const hung = limited.db.transaction(async (tx) => {
          await tx.insert(notes).values({ owner: 'ada', body: 'left hanging' });
          await new Promise((resolve) => setTimeout(resolve, 600));
        });
        await expect(hung).rejects.toThrow();
        // postgres-js may replay the ended session's error once more (porsager/postgres#1223); then it works again.
        const attempts: string[] = [];
        for (let attempt = 0; attempt < 3 && !attempts.includes('answered'); attempt += 1) {
          attempts.push(
            await limited.db
              .select()
              .from(notes)
              .then(
                () => 'answered',
                () => 'failed',
              ),
          );
        }
        expect(attempts.at(-1)).toBe('answered');
        expect(await limited.db.select().from(notes)).toEqual([]);
      } finally {
        await limited.close();
      }
    },
  );

  it.runIf(target === 'postgres')(
    'survives a connection terminated at its first statement, then reconnects',
    async () => {
      // Answers each connection's first statement as `pg_terminate_backend` would: a FATAL 57P01, then close.
      // postgres-js's own array-type query, were it sent first, would fail there with no one to catch the
      // rejection, and Node ends the process on an unhandled rejection.
      const upstream = new URL(testDatabase!.url);
      let terminations = 1;
      const proxy = createServer((client) => {
        const server = connect(Number(upstream.port || 5432), upstream.hostname);
        client.on('data', (chunk: Buffer) => {
          if (terminations > 0 && /select/i.test(chunk.toString('latin1'))) {
            terminations -= 1;
            server.destroy();
            client.end(
              errorResponse({
                S: 'FATAL',
                V: 'FATAL',
                C: '57P01',
                M: 'terminating connection due to administrator command',
              }),
            );
          } else server.write(chunk);
        });
        server.on('data', (chunk: Buffer) => client.write(chunk));
        client.on('error', () => server.destroy());
        server.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxied = new URL(testDatabase!.url);
      proxied.port = String((proxy.address() as { port: number }).port);
      const unhandled: unknown[] = [];
      const recordUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', recordUnhandled);
      const terminated = await openDatabase({ url: proxied.href, dataDir, name: 'terminated', schema: {}, poolMax: 1 });
      try {
        // The caller's own statement is the one terminated, so the caller hears of it.
        await expect(terminated.db.execute(sql`select 1 as one`)).rejects.toThrow();
        // postgres-js 3.4.9 replays the old connection's error onto the first statement after it reconnects
        // (porsager/postgres#1223): one more failure, never a hang, and then the pool works again.
        const attempts: string[] = [];
        for (let attempt = 0; attempt < 3 && !attempts.includes('answered'); attempt += 1) {
          attempts.push(
            await terminated.db.execute(sql`select 2 as two`).then(
              () => 'answered',
              () => 'failed',
            ),
          );
        }
        expect(attempts.at(-1)).toBe('answered');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', recordUnhandled);
        await terminated.close();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
    },
  );

  it('rolls back a failed transaction', async () => {
    await database.migrate(notesMigrationsFolder);
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(notes).values({ owner: 'ada', body: 'lost' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await database.db.select().from(notes)).toEqual([]);
  });
});

describe('openDatabase with memory://', () => {
  it('gives every instance its own empty database', async () => {
    const [first, second] = await Promise.all([
      openDatabase({ url: 'memory://', dataDir, name: 'a', schema: notesSchema }),
      openDatabase({ url: 'memory://', dataDir, name: 'b', schema: notesSchema }),
    ]);
    try {
      await first.migrate(notesMigrationsFolder);
      await first.db.insert(notes).values({ owner: 'ada', body: 'only in first' });
      const tables = await second.db.execute(
        sql`select count(*)::int as count from pg_tables where tablename = 'notes'`,
      );
      expect((tables as unknown as { rows: { count: number }[] }).rows).toEqual([{ count: 0 }]);
      const third = await openDatabase({ url: 'memory://', dataDir, name: 'c', schema: notesSchema });
      await third.migrate(notesMigrationsFolder);
      expect(await third.db.select().from(notes)).toEqual([]);
      await third.close();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('openDatabase with no url', () => {
  it('persists PGlite under <dataDir>/<name>, creating the folders', async () => {
    const nestedDataDir = join(dataDir, 'not', 'yet');
    const first = await openDatabase({ dataDir: nestedDataDir, name: 'notes', schema: notesSchema });
    expect(first.kind).toBe('pglite');
    await first.migrate(notesMigrationsFolder);
    await first.db.insert(notes).values({ owner: 'ada', body: 'kept' });
    await first.close();
    expect(statSync(join(nestedDataDir, 'notes')).isDirectory()).toBe(true);

    const reopened = await openDatabase({ dataDir: nestedDataDir, name: 'notes', schema: notesSchema });
    try {
      expect(await reopened.db.select().from(notes)).toEqual([{ id: 1, owner: 'ada', body: 'kept' }]);
    } finally {
      await reopened.close();
    }
  });

  it('treats an empty url as unset', async () => {
    const database = await openDatabase({ url: '', dataDir, name: 'empty', schema: {} });
    await database.close();
    expect(statSync(join(dataDir, 'empty')).isDirectory()).toBe(true);
  });
});

describe('openDatabase with a bad poolMax, statementTimeoutMs or idleInTransactionTimeoutMs', () => {
  it.each([0, -1, 1.5])('throws a TypeError for poolMax %s', async (poolMax) => {
    await expect(openDatabase({ url: 'memory://', dataDir, name: 'x', schema: {}, poolMax })).rejects.toThrow(
      TypeError,
    );
  });

  it.each([0, -1, 1.5])('throws a TypeError for statementTimeoutMs %s', async (statementTimeoutMs) => {
    await expect(
      openDatabase({ url: 'memory://', dataDir, name: 'x', schema: {}, statementTimeoutMs }),
    ).rejects.toThrow(TypeError);
  });

  it.each([0, -1, 1.5])('throws a TypeError for idleInTransactionTimeoutMs %s', async (idleInTransactionTimeoutMs) => {
    await expect(
      openDatabase({ url: 'memory://', dataDir, name: 'x', schema: {}, idleInTransactionTimeoutMs }),
    ).rejects.toThrow(TypeError);
  });
});

describe('openDatabase with an unsupported url', () => {
  it.each(['mysql://root:hunter2@db/app', 'file:///tmp/x', 'localhost:5432'])(
    'throws a ConfigError for %s without echoing it',
    async (url) => {
      const opening = openDatabase({ url, dataDir, name: 'tasks', schema: {} });
      await expect(opening).rejects.toBeInstanceOf(ConfigError);
      const error = (await opening.catch((caught: unknown) => caught)) as ConfigError;
      expect(error.code).toBe('config_invalid');
      expect(error.problems[0]?.variable).toBe('TASKS_DATABASE_URL');
      expect(error.message).not.toContain('hunter2');
    },
  );
});

describe('ping against a server that is gone', () => {
  const sockets: Socket[] = [];
  let silentServer: Server;
  let silentPort: number;

  // Accepts TCP connections and never answers: the way a hung or partitioned database looks.
  beforeEach(async () => {
    silentServer = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    silentPort = (silentServer.address() as { port: number }).port;
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => silentServer.close(() => resolve()));
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
  });

  it('rejects within the timeout instead of hanging when the server never answers', async () => {
    const database = await openDatabase({
      url: `postgres://postgres@127.0.0.1:${silentPort}/x`,
      dataDir,
      name: 'x',
      schema: {},
    });
    const started = Date.now();
    await expect(database.ping(300)).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const socket of sockets.splice(0)) socket.destroy();
    await database.close();
  });

  it('rejects when nothing listens on the port', async () => {
    const closedPort = silentPort;
    await new Promise<void>((resolve) => silentServer.close(() => resolve()));
    silentServer = createServer();
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const database = await openDatabase({
      url: `postgres://postgres@127.0.0.1:${closedPort}/x`,
      dataDir,
      name: 'x',
      schema: {},
    });
    await expect(database.ping()).rejects.toThrow();
    await database.close();
  });
});

/** A Postgres protocol ErrorResponse message with these fields (`S` severity, `C` SQLSTATE, `M` message, …). */
function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(fields).map(([key, value]) => Buffer.from(`${key}${value}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
