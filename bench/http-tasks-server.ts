/**
 * Child process of the HTTP benchmark: one tasks service (`createTasksService`) with one contender in its
 * `authenticate` hook, on an ephemeral loopback port.
 */
import { createLogger, serve } from '@tessera/server';
import { createTasksService, loadTasksConfig } from '@tessera/tasks';
import { standInFor, type ContenderId } from './http-contenders.ts';
import { childInput, runAsChild } from './http-processes.ts';

export type TasksServerInput = {
  contender: ContenderId;
  authUrl: string;
  /** The seeded user, for the floor's fixed principal. */
  userId: string;
  /** A Postgres URL, or `undefined` for the embedded default (PGlite persisted under `dataDir`). */
  databaseUrl: string | undefined;
  dataDir: string;
};

export type TasksServerReady = { url: string };

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
    TASKS_TOKEN_CACHE: input.contender === 'guard-no-cache' ? 'off' : 'on',
    ...(input.databaseUrl === undefined ? {} : { TASKS_DATABASE_URL: input.databaseUrl }),
  });
  const logger = createLogger({ service: 'tasks', level: config.logLevel });
  const authenticate = await standInFor(input.contender, { authUrl: input.authUrl, audience, userId: input.userId });
  const service = await createTasksService(config, { logger, ...(authenticate === undefined ? {} : { authenticate }) });
  try {
    const server = await serve(service.app, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false, onShutdown: () => service.close() });
    return { payload: { url: server.url }, stop: () => server.close() };
  } catch (error) {
    await service.close();
    throw error;
  }
});
