import {
  ConfigError,
  type ConfigProblem,
  databaseUrlSchema,
  durationSchema,
  type EnvSource,
  isProduction,
  loadServiceEnv,
  resolveDataDir,
  resolveDevSecret,
  type SharedSettings,
  secretSchema,
} from '@tessera/config';
import { z } from 'zod';

/** Asymmetric algorithms the JWKS mode signs with (`JWT_ALG`). */
export const JWT_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The auth service's own variables; the shared ones (`AUTH_PORT`, `AUTH_URL`, `JWT_*`, …) come from `@tessera/config`. */
const authVariables = {
  JWT_TTL: durationSchema()
    .default(900)
    .refine((seconds) => seconds > 0, { message: 'must be longer than 0s' }),
  JWT_ALG: z.enum(JWT_ALGORITHMS).default('EdDSA'),
  JWT_ROTATION_INTERVAL: durationSchema().default(30 * 86_400),
  JWT_GRACE_PERIOD: durationSchema().default(86_400),
  AUTH_DATABASE_URL: databaseUrlSchema().optional(),
  TRUSTED_PROXY_IP_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+$/, { message: 'must be one HTTP header name, e.g. x-forwarded-for' })
    .optional(),
};

/** How user tokens are signed: asymmetric keys published as a JWKS, or HS256 with a shared secret. */
export type JwtSigningConfig =
  | {
      mode: 'jwks';
      alg: JwtAlgorithm;
      /** Seconds a signing key is used before a new one is made; 0 = never rotate. Default 30 days. */
      rotationIntervalSeconds: number;
      /** Seconds a retired key stays in the JWKS, so tokens it signed still verify. Default 1 day. */
      gracePeriodSeconds: number;
    }
  | { mode: 'secret'; secret: string };

/** Everything the auth service reads from the environment, parsed and checked once at start. */
export type AuthConfig = {
  nodeEnv: 'development' | 'test' | 'production';
  production: boolean;
  /** pino level of the service's logs (`LOG_LEVEL`, default `info`). */
  logLevel: SharedSettings['logLevel'];
  port: number;
  /** Interface address to listen on (`HOST`, default `0.0.0.0`). */
  host: string;
  /** Public base URL of this service (`AUTH_URL`, default `http://localhost:<AUTH_PORT>`), without trailing slash. */
  url: string;
  /** `iss` of every token (`AUTH_ISSUER`, default `AUTH_URL`). */
  issuer: string;
  /** `aud` of user tokens (`JWT_AUDIENCE`); one entry becomes a string claim, several an array. */
  audience: string[];
  /** Lifetime of user tokens in seconds (`JWT_TTL`, default 15 minutes). */
  jwtTtlSeconds: number;
  jwt: JwtSigningConfig;
  betterAuthSecret: string;
  /** True when BETTER_AUTH_SECRET came from `<DATA_DIR>/secrets.json` (development only). */
  betterAuthSecretGenerated: boolean;
  /** `AUTH_DATABASE_URL`; undefined = embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Browser origins allowed by CORS and by Better Auth's origin check (`TRUSTED_ORIGINS`). */
  trustedOrigins: string[];
  /** Header a trusted reverse proxy sets or appends the client IP to (its right-most entry is used); undefined = the socket address. */
  trustedProxyIpHeader: string | undefined;
  /** Rate limiting of sign-in/sign-up and the rest of /api/auth; on in production. */
  rateLimitEnabled: boolean;
};

/**
 * Reads the auth service's configuration. Throws one `ConfigError` listing every problem, including
 * the cross-variable ones (JWT_SECRET missing in secret mode, equal to BETTER_AUTH_SECRET, …).
 * Outside production a missing BETTER_AUTH_SECRET is generated once under DATA_DIR.
 */
export function loadAuthConfig(source: EnvSource = process.env): AuthConfig {
  const problems: ConfigProblem[] = [];
  let loaded: ReturnType<typeof loadServiceEnv<typeof authVariables>> | undefined;
  try {
    loaded = loadServiceEnv(authVariables, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // The secret is resolved even when other variables are invalid, so one start lists every problem.
  const production = isProduction(source);
  const dataDir = resolveDataDir(source.DATA_DIR);
  const betterAuthSecret = resolveBetterAuthSecret(source.BETTER_AUTH_SECRET, dataDir, production, problems);
  if (loaded === undefined || betterAuthSecret === undefined) throw new ConfigError(problems);

  const { shared, env } = loaded;
  let jwt: JwtSigningConfig;
  if (shared.jwt.mode === 'secret') {
    jwt = shared.jwt;
  } else {
    if (env.JWT_ROTATION_INTERVAL > 0 && env.JWT_GRACE_PERIOD < env.JWT_TTL) {
      problems.push({
        variable: 'JWT_GRACE_PERIOD',
        message: 'must be at least JWT_TTL, or tokens signed just before a rotation stop verifying',
      });
    }
    jwt = {
      mode: 'jwks',
      alg: env.JWT_ALG,
      rotationIntervalSeconds: env.JWT_ROTATION_INTERVAL,
      gracePeriodSeconds: env.JWT_GRACE_PERIOD,
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: shared.nodeEnv,
    production: shared.production,
    logLevel: shared.logLevel,
    port: shared.authPort,
    host: shared.host,
    url: shared.authUrl,
    issuer: shared.issuer,
    audience: shared.audience,
    jwtTtlSeconds: env.JWT_TTL,
    jwt,
    betterAuthSecret: betterAuthSecret.value,
    betterAuthSecretGenerated: betterAuthSecret.generated,
    databaseUrl: env.AUTH_DATABASE_URL,
    dataDir: shared.dataDir,
    trustedOrigins: shared.trustedOrigins,
    trustedProxyIpHeader: env.TRUSTED_PROXY_IP_HEADER,
    rateLimitEnabled: shared.production,
  };
}

function resolveBetterAuthSecret(
  value: string | undefined,
  dataDir: string,
  production: boolean,
  problems: ConfigProblem[],
): { value: string; generated: boolean } | undefined {
  try {
    const resolved = resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value, dataDir, production });
    const check = secretSchema().safeParse(resolved.value);
    if (!check.success) {
      problems.push(...check.error.issues.map((issue) => ({ variable: 'BETTER_AUTH_SECRET', message: issue.message })));
      return undefined;
    }
    return resolved;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
