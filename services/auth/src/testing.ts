import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '@tessera/config';
import { createLogger, type Logger, type RunningServer, serve } from '@tessera/server';
import { makeSignature } from 'better-auth/crypto';
import { Hono } from 'hono';
import { type AuthService, createAuthService } from './app.ts';
import { createOAuthClientStore } from './client-credentials/index.ts';
import { type AuthConfig, loadAuthConfig } from './config.ts';
import { nativeFetch } from './testing/native-fetch.ts';

export type { NativeRequestInit } from './testing/native-fetch.ts';
export { nativeFetch } from './testing/native-fetch.ts';

/** A user created through the real sign-up route, with everything a test needs to act as them. */
export type TestUser = {
  userId: string;
  email: string;
  password: string;
  /** The signed session token (`set-auth-token`), for `Authorization: Bearer` to `/api/auth/token`. */
  sessionToken: string;
  /** A `Cookie` header value carrying the session, as a browser would send it. */
  cookie: string;
  /** A user JWT from `/api/auth/token`. */
  jwt: string;
};

/** An OAuth client registered for the client-credentials grant; the secret is only known here. */
export type TestClient = { clientId: string; clientSecret: string };

/** A real auth service listening on an ephemeral port. */
export type TestAuthService = {
  /** `http://127.0.0.1:<port>`; also its `AUTH_URL` and, unless overridden, its issuer. */
  url: string;
  config: AuthConfig;
  service: AuthService;
  /** Signs up a fresh user (unique email unless given) and fetches a JWT for them. */
  signUp(options?: { email?: string; password?: string; name?: string }): Promise<TestUser>;
  /** Exchanges a session token for a user JWT at `GET /api/auth/token`; throws on a non-200 answer. */
  getJwt(sessionToken: string): Promise<string>;
  /** Registers an OAuth client for the client-credentials grant. */
  createClient(options: { scopes: string[]; audiences?: string[] }): Promise<TestClient>;
  /** Revokes an OAuth client as `npm run clients -- revoke` does; its service tokens go on the revocation list. */
  revokeClient(clientId: string): Promise<void>;
  /**
   * Opens a session for an existing user through Better Auth's own adapter, without a sign-in (and its password
   * hash): for benchmarks that need hundreds of sessions. Returns the signed token, as `set-auth-token` carries it.
   */
  openSession(userId: string): Promise<string>;
  /** How many requests for exactly this path (e.g. `/api/auth/token`) the service has received so far. */
  requestCount(path: string): number;
  /** Stops the server and closes the database; idempotent. */
  close(): Promise<void>;
};

/**
 * Starts the real auth service over real HTTP on an ephemeral port, for integration tests of any service.
 * Defaults: NODE_ENV=test, an in-memory PGlite database, fresh random secrets, JWKS mode with EdDSA.
 * `env` overrides any variable (e.g. `{ JWT_MODE: 'secret', JWT_SECRET }` or `{ AUTH_DATABASE_URL }`).
 * Logs are silent unless TEST_LOG_LEVEL is set, or go to `options.logger`.
 */
export async function startTestAuthService(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestAuthService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-auth-test-'));
  const logger = options.logger ?? createLogger({ service: 'auth', level: testLogLevel() });

  // The public URL (issuer, Better Auth's base URL) is only known once the port is: listen first, then
  // hand the requests to the service built for that URL.
  let inner: AuthService['app'] | undefined;
  const received = new Map<string, number>();
  const front = new Hono().all('*', (c) => {
    received.set(c.req.path, (received.get(c.req.path) ?? 0) + 1);
    return inner === undefined ? c.text('starting', 503) : inner.fetch(c.req.raw, c.env);
  });
  const server: RunningServer = await serve(front, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false });

  let service: AuthService | undefined;
  try {
    const config = loadAuthConfig({
      NODE_ENV: 'test',
      AUTH_URL: server.url,
      AUTH_DATABASE_URL: 'memory://',
      DATA_DIR: dataDir,
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
      ...env,
    });
    service = await createAuthService(config, { logger });
    inner = service.app;
    return harness(server.url, config, service, received, async () => {
      service?.drain(); // long polls of /api/auth/revocations answer now instead of holding the drain
      await server.close();
      await service?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
  } catch (error) {
    await server.close();
    await service?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** TEST_LOG_LEVEL when it names a pino level, else silent: tests are quiet unless asked. */
function testLogLevel(): LogLevel {
  const wanted = process.env.TEST_LOG_LEVEL;
  return LOG_LEVELS.find((level) => level === wanted) ?? 'silent';
}

function harness(
  url: string,
  config: AuthConfig,
  service: AuthService,
  received: Map<string, number>,
  stop: () => Promise<void>,
): TestAuthService {
  let closing: Promise<void> | undefined;

  async function getJwt(sessionToken: string): Promise<string> {
    const response = await nativeFetch(`${url}/api/auth/token`, {
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    if (response.status !== 200)
      throw new Error(`GET /api/auth/token answered ${response.status}: ${await response.text()}`);
    const { token } = (await response.json()) as { token: string };
    return token;
  }

  return {
    url,
    config,
    service,
    getJwt,
    async signUp(options = {}) {
      const email = options.email ?? `user-${randomUUID()}@example.test`;
      const password = options.password ?? `pw-${randomBytes(12).toString('base64url')}`;
      // As a native client: no cookies, no Origin (see nativeFetch for why not the built-in fetch).
      const response = await nativeFetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password, name: options.name ?? 'Test User' }),
      });
      if (response.status !== 200) throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
      const { user } = (await response.json()) as { user: { id: string } };
      const sessionToken = response.headers.get('set-auth-token');
      const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.includes('session_token='));
      if (sessionToken === null || sessionCookie === undefined) throw new Error('sign-up returned no session');
      const cookie = sessionCookie.split(';')[0] ?? '';
      return { userId: user.id, email, password, sessionToken, cookie, jwt: await getJwt(sessionToken) };
    },
    async createClient({ scopes, audiences }) {
      const store = createOAuthClientStore(service.database.db);
      const created = await store.create({ name: `test-client-${randomUUID().slice(0, 8)}`, scopes, audiences });
      return { clientId: created.clientId, clientSecret: created.clientSecret };
    },
    async openSession(userId) {
      const context = await service.auth.$context;
      const session = await context.internalAdapter.createSession(userId);
      return `${session.token}.${await makeSignature(session.token, context.secret)}`;
    },
    async revokeClient(clientId) {
      if ((await createOAuthClientStore(service.database.db).revoke(clientId)) === undefined)
        throw new Error(`no client ${clientId}`);
    },
    requestCount: (path) => received.get(path) ?? 0,
    close: () => (closing ??= stop()),
  };
}
