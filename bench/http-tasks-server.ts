/**
 * Child process of the HTTP benchmark: one tasks service (`createTasksService`) on an ephemeral loopback port,
 * with every contender's middleware in its `authenticate` option and one of them selected at a time, and beside
 * it the docs' way (`docs-way-service.ts`) on the same database. The parent selects a contender before each run,
 * so all contenders of a round are measured in the same process, on the same heap, and their ratio is not one
 * process's luck against another's.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bearerAuth, type GuardVariables } from '@tessera/guard';
import { createLogger, type FetchApp, serve } from '@tessera/server';
import { createTasksService, createTasksVerifier, loadTasksConfig } from '@tessera/tasks';
import type { MiddlewareHandler } from 'hono';
import { createDocsWayService, type DocsWayDatabase, type TaskRow } from './docs-way-service.ts';
import {
  type ContenderId,
  standInFor,
  type TasksServiceContenderId,
  tasksServiceContenderIds,
} from './http-contenders.ts';
import { type ChildRequest, childInput, runAsChild } from './http-processes.ts';

export type TasksServerInput = {
  authUrl: string;
  /** The seeded user, for the floor's fixed principal. */
  userId: string;
  /** A Postgres URL, or `undefined` for the embedded default (PGlite persisted under `dataDir`). */
  databaseUrl: string | undefined;
  dataDir: string;
  /** `REVOCATIONS` of the service (default `on`, as shipped). */
  revocations?: 'on' | 'off';
};

export type TasksServerReady = { url: string };

/** The parent's request to answer with another contender from now on; the reply comes once it is in place. */
export type SelectContender = { type: 'select'; contender: ContenderId };

/** The parent's request to copy the seeded tasks into the docs' way's own embedded database (PGlite only). */
export type CopyToDocsWay = { type: 'copy-to-docs-way'; rows: TaskRow[] };

type Authenticate = MiddlewareHandler<{ Variables: GuardVariables }>;

const input = childInput<TasksServerInput>();

/** The tasks service's migrations, which also create the docs' way's embedded database. */
const tasksMigrations = fileURLToPath(new URL('../drizzle/', import.meta.resolve('@tessera/tasks')));

await runAsChild<TasksServerReady>(async () => {
  const audience = 'tessera';
  const config = loadTasksConfig({
    NODE_ENV: 'production',
    // warn: no access-log line per request, so the figures are the service's, not pino's.
    LOG_LEVEL: 'warn',
    TASKS_PORT: '0',
    AUTH_URL: input.authUrl,
    JWT_AUDIENCE: audience,
    DATA_DIR: input.dataDir,
    ...(input.databaseUrl === undefined ? {} : { TASKS_DATABASE_URL: input.databaseUrl }),
    REVOCATIONS: input.revocations ?? 'on',
  });
  const logger = createLogger({ service: 'tasks', level: config.logLevel });
  // The guard rows are what the service builds for itself from this config, with TASKS_TOKEN_CACHE on and off.
  const verifiers = [
    createTasksVerifier(config, logger),
    createTasksVerifier({ ...config, tokenCache: false }, logger),
  ] as const;
  const middlewares = new Map<TasksServiceContenderId, Authenticate>();
  for (const id of tasksServiceContenderIds) {
    const standIn = await standInFor(id, { authUrl: input.authUrl, audience, userId: input.userId });
    middlewares.set(id, standIn ?? bearerAuth({ verifier: id === 'guard-cache' ? verifiers[0] : verifiers[1] }));
  }
  let selectedAuthenticate: Authenticate = middlewares.get('guard-cache')!;
  // No async wrapper of its own: one plain call more per request, the same for every contender.
  const authenticate: Authenticate = function selectedContender(c, next) {
    return selectedAuthenticate(c, next);
  };
  const docsWayDatabase: DocsWayDatabase =
    input.databaseUrl === undefined
      ? { kind: 'pglite', directory: join(input.dataDir, 'docs-way'), migrationsFolder: tasksMigrations }
      : { kind: 'postgres', url: input.databaseUrl };
  const closeVerifiers = () => {
    for (const verifier of verifiers) verifier.close();
  };
  const service = await createTasksService(config, { logger, authenticate }).catch((error: unknown) => {
    closeVerifiers();
    throw error;
  });
  const docsWay = await createDocsWayService({
    authUrl: input.authUrl,
    issuer: config.issuer,
    audience,
    database: docsWayDatabase,
  }).catch(async (error: unknown) => {
    closeVerifiers();
    await service.close();
    throw error;
  });
  const stop = async () => {
    closeVerifiers();
    await Promise.all([service.close(), docsWay.close()]);
  };
  let selectedApp: FetchApp = service.app;
  // Like the authenticate option above: one plain call more per request, for every contender.
  const app: FetchApp = { fetch: (request, env) => selectedApp.fetch(request, env) };
  try {
    const server = await serve(app, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false, onShutdown: stop });
    const handle = async (message: ChildRequest) => {
      if (message.type === 'copy-to-docs-way') return docsWay.copy((message as CopyToDocsWay).rows);
      const contender = message.type === 'select' ? (message as SelectContender).contender : undefined;
      if (contender === 'docs-way') selectedApp = docsWay.app;
      else {
        const middleware = contender === undefined ? undefined : middlewares.get(contender);
        if (middleware === undefined) throw new Error(`cannot handle ${JSON.stringify(message)}`);
        selectedApp = service.app;
        selectedAuthenticate = middleware;
      }
      // The run starts on a collected heap: no contender pays for the garbage the one before it left.
      globalThis.gc?.();
    };
    return { payload: { url: server.url }, stop: () => server.close(), handle };
  } catch (error) {
    await stop();
    throw error;
  }
});
