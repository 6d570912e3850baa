import { bearerAuth, createVerifier, type GuardVariables, type RevocationStatus, type Verifier } from '@tessera/guard';
import { apiDocs, createApp, createLogger, createMetrics, type Logger, withProblemExamples } from '@tessera/server';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { TasksConfig } from './config.ts';
import { openTasksDatabaseFor, type TasksDatabase } from './db/database.ts';
import { logJwksFetchError } from './keys/jwks-fetch-error.ts';
import { TaskRepository, type TaskRepositoryOptions } from './tasks/task-repository.ts';
import { createTasksApi } from './tasks-api.ts';

/** Options of {@link createTasksService}; everything else comes from the config. */
export type TasksServiceOptions = {
  /**
   * How a request is authenticated: any middleware that admits it and sets `c.var.principal`, or answers it.
   * Default: `bearerAuth` of `@tessera/guard` over {@link createTasksVerifier} (JWKS or shared secret per
   * `JWT_MODE`). Another one (an API gateway's identity header, a fixed principal in a test) replaces the guard,
   * and then `/readyz` no longer waits for keys.
   */
  authenticate?: MiddlewareHandler<{ Variables: GuardVariables }>;
  /** The logger. Default: a pino logger for `tasks` at the config's `LOG_LEVEL`. */
  logger?: Logger;
  /** Database time limits of each request. */
  databaseLimits?: DatabaseLimits;
};

/** How long one request's database work may take. */
export type DatabaseLimits = {
  /** Postgres cancels a statement after this many milliseconds (`statement_timeout` of every pooled connection). Default 5000. */
  statementTimeoutMs?: number;
  /** The request gives up (503) after this many milliseconds, answered or not. Default 8000. */
  deadlineMs?: number;
};

/** A started-but-not-listening tasks service: serve `app` with `serve()` from `@tessera/server`. */
export type TasksService = {
  app: ReturnType<typeof buildApp>;
  /**
   * The database as far as an operator needs it: its driver, a ping and close. Never its query handles: on the
   * embedded default they run as a superuser, past row-level security, so the only way to the tasks stays
   * `TaskRepository.forSubject`.
   */
  database: Pick<TasksDatabase, 'kind' | 'ping' | 'close'>;
  /** The token verifier; `undefined` when `authenticate` replaced it. */
  verifier: Verifier | undefined;
  /** Stops key refreshes and closes the database; idempotent. */
  close(): Promise<void>;
};

/** JWKS mode accepts only the asymmetric algorithms the auth service can issue (never HS*). */
const jwksAlgorithms = ['EdDSA', 'ES256', 'RS256'] as const;

/**
 * The verifier the service authenticates with for this config: the auth service's JWKS, or the shared HS256
 * secret, with the verified-token cache per `TASKS_TOKEN_CACHE`. Exported so that an `authenticate` of one's own
 * can verify tokens exactly as the service does.
 */
export function createTasksVerifier(config: TasksConfig, logger: Logger): Verifier {
  const cache = config.tokenCache ? {} : (false as const);
  const revocations =
    config.revocationsUrl === undefined
      ? {}
      : {
          revocations: {
            url: config.revocationsUrl,
            onError: (error: Error) => logger.warn({ err: { message: error.message } }, 'revocation list'),
          },
        };
  const common = { issuer: config.issuer, audience: config.audience, cache, ...revocations };
  if (config.verification.mode === 'secret')
    return createVerifier({ ...common, secret: config.verification.secret, algorithms: ['HS256'] });
  return createVerifier({
    ...common,
    algorithms: jwksAlgorithms,
    jwks: { url: config.verification.jwksUrl, onFetchError: logJwksFetchError(logger, config.verification.jwksUrl) },
  });
}

/** Ready once the revocation list has loaded; reports how long ago the auth service last answered, and its size. */
function revocationsReadiness(revocations: RevocationStatus) {
  return async () => {
    await revocations.ready();
    return { age_seconds: Math.floor((revocations.age() ?? 0) / 1000), entries: revocations.size() };
  };
}

type AppParts = {
  config: TasksConfig;
  database: TasksDatabase;
  logger: Logger;
  authenticate: MiddlewareHandler<{ Variables: GuardVariables }>;
  verifier: Verifier | undefined;
  repositoryOptions: TaskRepositoryOptions;
};

function buildApp({ config, database, logger, authenticate, verifier, repositoryOptions }: AppParts) {
  const app = createApp<GuardVariables>({
    service: 'tasks',
    logger,
    metrics: createMetrics(),
    readiness: {
      database: () => database.ping(),
      ...(verifier === undefined ? {} : { keys: () => verifier.ready() }),
      ...(verifier?.revocations === undefined ? {} : { revocations: revocationsReadiness(verifier.revocations) }),
    },
  });
  // Bearer tokens need no cookies, so no credentials; the listed headers are what a browser client reads.
  const corsForBrowsers = cors({
    origin: config.trustedOrigins,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    maxAge: 600,
  });
  app.use('/v1/*', async function corsForOriginRequests(c, next) {
    if (c.req.header('Origin') !== undefined) return corsForBrowsers(c, next);
    // No Origin, no CORS: only browsers send one, and only they read CORS headers. Hono's `cors` sets a response
    // header before the handler runs, which makes @hono/node-server build a full web Response (a ReadableStream)
    // for every answer: a large share of a small request's CPU, for headers that mean nothing here.
    await next();
    // Straight on the response's headers: `c.header()` after the handler would rebuild the response as well.
    c.res.headers.append('Vary', 'Origin');
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A user JWT from the auth service (`GET /api/auth/token`) or a service token (client-credentials grant).',
  });
  const routes = app.route(
    '/',
    createTasksApi({
      tasksFor: (subject) => TaskRepository.forSubject(database, subject, repositoryOptions),
      authenticate,
    }),
  );
  const info = {
    title: 'Tessera tasks API',
    version: '1.0.0',
    description: 'The reference resource service: every query bound to the token subject.',
  };
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  // Built on first use, with each error response's example showing its own status.
  app.get('/openapi.json', (c) =>
    c.json((document ??= withProblemExamples(app.getOpenAPI31Document({ openapi: '3.1.0', info })))),
  );
  app.route('/', apiDocs({ title: 'Tessera tasks API' }));
  return routes;
}

/**
 * Opens the database (applying migrations), builds the verifier and the app. Nothing listens yet, so a
 * test can use `app.request()` or hand the app to `serve()`.
 */
export async function createTasksService(
  config: TasksConfig,
  options: TasksServiceOptions = {},
): Promise<TasksService> {
  const logger = options.logger ?? createLogger({ service: 'tasks', level: config.logLevel });
  const { statementTimeoutMs = 5_000, deadlineMs } = options.databaseLimits ?? {};
  // A transaction that idles as long as a statement may run is stuck in the service: Postgres ends it and rolls it back.
  const database = await openTasksDatabaseFor(config, {
    statementTimeoutMs,
    idleInTransactionTimeoutMs: statementTimeoutMs,
  });
  let verifier: Verifier | undefined;
  let authenticate = options.authenticate;
  try {
    if (authenticate === undefined) {
      verifier = createTasksVerifier(config, logger);
      authenticate = bearerAuth({ verifier });
    }
  } catch (error) {
    // A misconfigured verifier throws GuardConfigError at start: do not leave the database open behind it.
    await database.close();
    throw error;
  }
  const app = buildApp({
    config,
    database,
    logger,
    authenticate,
    verifier,
    repositoryOptions: deadlineMs === undefined ? {} : { deadlineMs },
  });
  let closing: Promise<void> | undefined;
  return {
    app,
    database: { kind: database.kind, ping: database.ping, close: database.close },
    verifier,
    close: () =>
      (closing ??= (async () => {
        verifier?.close();
        await database.close();
      })()),
  };
}

/** The tasks app's type with every route, for a typed `hc<TasksApp>(url)` client from `hono/client`. */
export type TasksApp = TasksService['app'];
