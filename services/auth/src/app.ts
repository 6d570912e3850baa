import { openDatabase } from '@tessera/db';
import { createApp, createLogger, type Logger } from '@tessera/server';
import { type AuthDatabase, createBetterAuth, type TesseraAuth } from './better-auth.ts';
import type { AuthConfig } from './config.ts';
import { MIGRATIONS_FOLDER } from './db/migrations-folder.ts';
import * as schema from './db/schema.ts';
import { discoveryRoutes } from './discovery/openid-configuration.ts';
import { betterAuthProblem } from './http/better-auth-problem.ts';
import { clientIpRequest } from './http/client-ip.ts';
import { authCors } from './http/cors.ts';
import { noStore } from './http/no-store.ts';
import { openApiRoutes } from './openapi/openapi-document.ts';
import { unavailableRoutes } from './openapi/unavailable-routes.ts';
import {
  createRevocationFeed,
  type RevocationFeed,
  revocationRetentionSeconds,
  revocationRoutes,
} from './revocations/index.ts';
import type { AccessTokenSigner } from './tokens/sign-access-token.ts';

/** A running auth service, before it listens: the Hono app, Better Auth, its database and the token signer. */
export type AuthService = {
  app: ReturnType<typeof createApp>;
  auth: TesseraAuth;
  database: AuthDatabase;
  /** Signs access tokens exactly like `/api/auth/token` does (keys or shared secret). */
  signAccessToken: AccessTokenSigner;
  /** The revocation list this process publishes at `/api/auth/revocations`. */
  revocations: RevocationFeed;
  /** Ends the long polls of `/api/auth/revocations` at once; call it when shutdown begins (`serve`'s `onDrain`). */
  drain(): void;
  /** Stops the revocation feed and closes the database; idempotent. */
  close(): Promise<void>;
};

/**
 * Opens the database (running pending migrations), builds Better Auth and mounts it with CORS at
 * `/api/auth/*`, next to discovery, `/openapi.json`, `/docs` and the health routes of `createApp`.
 */
export async function createAuthService(config: AuthConfig, options: { logger?: Logger } = {}): Promise<AuthService> {
  const logger = options.logger ?? createLogger({ service: 'auth' });
  if (config.betterAuthSecretGenerated) {
    logger.warn(
      { dataDir: config.dataDir },
      'BETTER_AUTH_SECRET is not set: using the development secret generated under DATA_DIR',
    );
  }

  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, name: 'auth', schema });
  let revocations: RevocationFeed | undefined;
  try {
    await database.migrate(MIGRATIONS_FOLDER);
    const { auth, signAccessToken } = createBetterAuth({ config, database, logger });
    // Better Auth makes its first signing key lazily. Made here, before the service listens, so a JWKS
    // request cannot race the first signature into two keys; and a secret that cannot decrypt the stored
    // keys stops the start instead of failing every token request.
    await signAccessToken({ sub: 'startup' }, { audience: 'startup', expiresInSeconds: 1 });
    revocations = createRevocationFeed({
      db: database.db,
      retentionSeconds: revocationRetentionSeconds(config),
      logger,
    });
    await revocations.start();

    const app = createApp({
      service: 'auth',
      logger,
      readiness: {
        database: () => database.ping(),
        // Signing a throwaway token proves the key can be loaded and decrypted with the current secret.
        'signing-keys': async () => {
          await signAccessToken({ sub: 'readiness-probe' }, { audience: 'readiness-probe', expiresInSeconds: 1 });
        },
      },
    });
    const withClientIp = clientIpRequest(config.trustedProxyIpHeader);
    app.use('/api/auth/*', authCors(config.trustedOrigins));
    // Before Better Auth's catch-all: answered from memory, without Better Auth's per-request work.
    app.route('/', revocationRoutes(revocations));
    app.use('/api/auth/token', noStore());
    app.on(['GET', 'POST'], '/api/auth/*', async (c) => betterAuthProblem(c, await auth.handler(withClientIp(c))));
    app.route('/', discoveryRoutes(config));
    app.route(
      '/',
      openApiRoutes({
        config,
        generateBetterAuthDocument: () => auth.api.generateOpenAPISchema(),
        unavailable: unavailableRoutes(auth.options),
      }),
    );

    const feed = revocations;
    return {
      app,
      auth,
      database,
      signAccessToken,
      revocations: feed,
      drain: () => feed.close(),
      close: async () => {
        feed.close();
        await database.close();
      },
    };
  } catch (error) {
    revocations?.close();
    await database.close();
    throw error;
  }
}
