/**
 * Child process of the HTTP benchmark: one tasks service (`createTasksService`) on an ephemeral loopback port,
 * with every contender's middleware in its `authenticate` hook and one of them selected at a time. The parent
 * selects a contender before each run, so all contenders of a round are measured in the same process, on the
 * same heap, and their ratio is not one process's luck against another's.
 */
import { bearerAuth, type GuardVariables } from '@tessera/guard';
import { createLogger, serve } from '@tessera/server';
import { createTasksService, createTasksVerifier, loadTasksConfig } from '@tessera/tasks';
import type { MiddlewareHandler } from 'hono';
import { contenderIds, standInFor, type ContenderId } from './http-contenders.ts';
import { childInput, runAsChild, type ChildRequest } from './http-processes.ts';

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

type Authenticate = MiddlewareHandler<{ Variables: GuardVariables }>;

const input = childInput<TasksServerInput>();

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
  const verifiers = [createTasksVerifier(config, logger), createTasksVerifier({ ...config, tokenCache: false }, logger)] as const;
  const middlewares = new Map<ContenderId, Authenticate>();
  for (const id of contenderIds) {
    const standIn = await standInFor(id, { authUrl: input.authUrl, audience, userId: input.userId });
    middlewares.set(id, standIn ?? bearerAuth({ verifier: id === 'guard-cache' ? verifiers[0] : verifiers[1] }));
  }
  let selected: Authenticate = middlewares.get('guard-cache')!;
  // No async wrapper of its own: one plain call more per request, the same for every contender.
  const authenticate: Authenticate = function selectedContender(c, next) {
    return selected(c, next);
  };
  const closeVerifiers = () => verifiers.forEach((verifier) => verifier.close());
  const service = await createTasksService(config, { logger, authenticate }).catch((error: unknown) => {
    closeVerifiers();
    throw error;
  });
  const stop = async () => {
    closeVerifiers();
    await service.close();
  };
  try {
    const server = await serve(service.app, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false, onShutdown: stop });
    const handle = (message: ChildRequest) => {
      const middleware = message.type === 'select' ? middlewares.get((message as SelectContender).contender) : undefined;
      if (middleware === undefined) throw new Error(`cannot handle ${JSON.stringify(message)}`);
      selected = middleware;
      // The run starts on a collected heap: no contender pays for the garbage the one before it left.
      globalThis.gc?.();
    };
    return { payload: { url: server.url }, stop: () => server.close(), handle };
  } catch (error) {
    await stop();
    throw error;
  }
});
