import type { Database } from '@tessera/db';
import type { Logger } from '@tessera/server';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { bearer, jwt, openAPI } from 'better-auth/plugins';
import { commonPasswords } from './accounts/common-passwords/index.ts';
import { profileLimitHooks } from './accounts/profile-limits.ts';
import { clientCredentials, createOAuthClientStore } from './client-credentials/index.ts';
import type { AuthConfig } from './config.ts';
import * as schema from './db/schema.ts';
import { CLIENT_IP_HEADER } from './http/client-ip.ts';
import { betterAuthLogger } from './logging/better-auth-logger.ts';
import { audienceClaim, jwtPluginOptions } from './tokens/jwt-plugin-options.ts';
import { type AccessTokenSigner, createAccessTokenSigner } from './tokens/sign-access-token.ts';

/** The auth service's database: Better Auth's tables plus the OAuth clients. */
export type AuthDatabase = Database<typeof schema>;

/** Options of {@link createBetterAuth}. */
export type CreateBetterAuthOptions = {
  config: AuthConfig;
  database: AuthDatabase;
  logger: Logger;
};

/**
 * Better Auth as this service runs it: email and password, sessions in Postgres (drizzle adapter), the JWT
 * plugin (user tokens, JWKS or shared-secret mode), the bearer plugin (signed session tokens for clients
 * without cookies), the client-credentials grant (service tokens) and the OpenAPI generator.
 */
export function createBetterAuth({ config, database, logger }: CreateBetterAuthOptions) {
  // The signer is handed to plugins before the instance exists; it is only called while serving requests.
  let instance: ReturnType<typeof build> | undefined;
  const signAccessToken: AccessTokenSigner = createAccessTokenSigner(() => {
    if (instance === undefined) throw new Error('Better Auth is not initialised yet');
    return instance;
  });

  function build() {
    return betterAuth({
      appName: 'Tessera',
      baseURL: config.url,
      basePath: '/api/auth',
      secret: config.betterAuthSecret,
      database: drizzleAdapter(database.db, { provider: 'pg', schema }),
      emailAndPassword: { enabled: true },
      databaseHooks: profileLimitHooks,
      trustedOrigins: config.trustedOrigins,
      rateLimit: {
        enabled: config.rateLimitEnabled,
        // In the database, so that every replica counts the same attempts.
        storage: 'database',
        // A password guess through a stolen session is a sign-in attempt: the same 3 per 10 s per client.
        customRules: { '/verify-password': { window: 10, max: 3 } },
      },
      advanced: {
        // Better Auth turns both checks off by default when NODE_ENV=test; the tests must see what production does.
        disableOriginCheck: false,
        disableCSRFCheck: false,
        ipAddress: {
          // Never the client-controlled X-Forwarded-For: only the address `clientIpRequest` decided (the socket's,
          // or the right-most one of TRUSTED_PROXY_IP_HEADER).
          ipAddressHeaders: [CLIENT_IP_HEADER],
        },
      },
      // An unexpected error (a failed query) goes on to the app's onError: logged once through the service's
      // logger, which cuts statement parameters, instead of better-call's console.error of the raw error.
      onAPIError: { throw: true },
      telemetry: { enabled: false },
      logger: betterAuthLogger(logger),
      plugins: [
        jwt(jwtPluginOptions(config)),
        // Only HMAC-signed session tokens (`set-auth-token`) are accepted, never a bare token id.
        bearer({ requireSignature: true }),
        openAPI({ disableDefaultReference: true }),
        // Sign-up, change and reset refuse the most commonly breached passwords (NIST SP 800-63B §5.1.1.2).
        commonPasswords(),
        // Service tokens (POST /api/auth/oauth2/token) are signed through the same path as user tokens.
        clientCredentials({
          clients: createOAuthClientStore(database.db),
          sign: signAccessToken,
          defaultAudience: audienceClaim(config.audience),
          allowedAudiences: config.audience,
        }),
      ],
    });
  }

  instance = build();
  return { auth: instance, signAccessToken };
}

/** The configured Better Auth instance. */
export type TesseraAuth = ReturnType<typeof createBetterAuth>['auth'];
