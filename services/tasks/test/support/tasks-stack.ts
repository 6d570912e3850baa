import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestAuthService, type TestAuthService } from '@tessera/auth/testing';
import { clientCredentials } from '@tessera/client';
import { createTestDatabase, type TestDatabase, type TestDatabaseTarget } from '@tessera/db/testing';
import { serve } from '@tessera/server';
import { capturingLogger } from '@tessera/server/testing';
import { createTasksService, type TasksService, type TasksServiceOptions } from '../../src/app.ts';
import { loadTasksConfig } from '../../src/config.ts';

/** One real auth service and one real tasks service, over real HTTP on ephemeral ports. */
export type TasksStack = {
  auth: TestAuthService;
  tasks: TasksService;
  /** The tasks service's base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every log line the tasks service wrote, parsed. */
  logs: Record<string, unknown>[];
  /** `fetch` against the tasks service with an optional bearer token and JSON body. */
  call(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
};

/** Options of {@link startTasksStack}. */
export type TasksStackOptions = {
  /** Where the tasks database lives: in-memory PGlite, or a fresh database on TEST_DATABASE_URL's server. */
  target?: TestDatabaseTarget;
  /** Extra environment for both services (e.g. `JWT_MODE=secret` with `JWT_SECRET`). */
  env?: Record<string, string>;
  /** Overrides TASKS_DATABASE_URL (e.g. a proxy in front of Postgres); `target` then only picks the server. */
  databaseUrl?: (serverDatabaseUrl: string) => string;
  /** Passed to `createTasksService`. */
  service?: Omit<TasksServiceOptions, 'logger'>;
};

/** Starts auth, then tasks configured to trust it, exactly as in production but on ephemeral ports. */
export async function startTasksStack({
  target = 'memory://',
  env = {},
  databaseUrl,
  service,
}: TasksStackOptions = {}): Promise<TasksStack> {
  const auth = await startTestAuthService(env);
  let database: TestDatabase | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-tasks-test-'));
  try {
    database = target === 'postgres' ? await createTestDatabase() : undefined;
    const serverUrl = database?.url ?? 'memory://';
    const config = loadTasksConfig({
      NODE_ENV: 'test',
      TASKS_PORT: '0',
      AUTH_URL: auth.url,
      TASKS_DATABASE_URL: databaseUrl ? databaseUrl(serverUrl) : serverUrl,
      DATA_DIR: dataDir,
      ...env,
    });
    const captured = capturingLogger('info');
    const logger = captured.logger;
    const tasks = await createTasksService(config, { ...service, logger });
    const server = await serve(tasks.app, {
      port: 0,
      hostname: '127.0.0.1',
      logger,
      handleSignals: false,
      onShutdown: () => tasks.close(),
    });
    let closing: Promise<void> | undefined;
    return {
      auth,
      tasks,
      url: server.url,
      get logs() {
        return captured.lines();
      },
      call: (path, { method = 'GET', token, body, headers = {} } = {}) =>
        fetch(`${server.url}${path}`, {
          method,
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      close: () =>
        (closing ??= (async () => {
          await server.close();
          await tasks.close();
          await auth.close();
          await database?.drop();
          rmSync(dataDir, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    await auth.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A service token from the real client-credentials grant (`POST /api/auth/oauth2/token`), fetched the way a
 * calling service does: with `clientCredentials` from `@tessera/client`.
 */
export async function serviceToken(
  auth: TestAuthService,
  scopes: string[],
): Promise<{ clientId: string; token: string }> {
  const { clientId, clientSecret } = await auth.createClient({ scopes, audiences: ['tessera'] });
  const source = clientCredentials({
    tokenUrl: `${auth.url}/api/auth/oauth2/token`,
    clientId,
    clientSecret,
    scope: scopes,
    audience: 'tessera',
  });
  return { clientId, token: await source.token() };
}
