import {
  ConfigError,
  type ConfigProblem,
  type EnvSource,
  commaListSchema,
  defaultDataDir,
  durationSchema,
  hostSchema,
  loadEnv,
  nodeEnvSchema,
  portSchema,
  resolveDevSecret,
  secretSchema,
  urlSchema,
} from '@tessera/config';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** Asymmetric algorithms the JWKS mode signs with (`JWT_ALG`). */
export const JWT_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const DEFAULT_URL = 'http://localhost:3000';

/** pino levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  NODE_ENV: nodeEnvSchema(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  AUTH_PORT: portSchema().default(3000),
  HOST: hostSchema(),
  AUTH_URL: urlSchema().default(DEFAULT_URL),
  AUTH_ISSUER: z.string().trim().optional(),
  JWT_AUDIENCE: commaListSchema()
    .default(['tessera'])
    .refine((list) => list.length > 0, { message: 'must name at least one audience' }),
  JWT_TTL: durationSchema()
    .default(900)
    .refine((seconds) => seconds > 0, { message: 'must be longer than 0s' }),
  JWT_ALG: z.enum(JWT_ALGORITHMS).default('EdDSA'),
  JWT_MODE: z.enum(['jwks', 'secret']).default('jwks'),
  JWT_SECRET: secretSchema().optional(),
  JWT_ROTATION_INTERVAL: durationSchema().default(30 * 86_400),
  JWT_GRACE_PERIOD: durationSchema().default(86_400),
  // Validated below (not through secretSchema here) so that "missing in production" names the variable clearly.
  BETTER_AUTH_SECRET: z.string().optional(),
  AUTH_DATABASE_URL: z
    .string()
    .trim()
    .refine((url) => /^(postgres|postgresql|memory):\/\//.test(url), {
      message: 'must be a postgres:// or postgresql:// URL, or memory://; leave it unset for embedded PGlite',
    })
    .optional(),
  DATA_DIR: z.string().trim().optional(),
  TRUSTED_ORIGINS: commaListSchema().default(['http://localhost:5173']),
  TRUSTED_PROXY_IP_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+$/, { message: 'must be one HTTP header name, e.g. x-forwarded-for' })
    .optional(),
});

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
  logLevel: (typeof LOG_LEVELS)[number];
  port: number;
  /** Interface address to listen on (`HOST`, default `0.0.0.0`). */
  host: string;
  /** Public base URL of this service (`AUTH_URL`), without trailing slash. */
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
  const env = parseEnv(source, problems);
  // The secrets are checked even when other variables are invalid, so one start lists every problem.
  // An unrecognised NODE_ENV (say `prod`) is reported, and meanwhile treated as production: no dev secret is made.
  const nodeEnv = env?.NODE_ENV ?? present(source.NODE_ENV)?.trim() ?? 'development';
  const production = nodeEnv !== 'development' && nodeEnv !== 'test';
  const { dataDir } = databaseLocation(source);
  const betterAuthSecret = resolveBetterAuthSecret(present(source.BETTER_AUTH_SECRET), dataDir, production, problems);
  const secretMode = (env?.JWT_MODE ?? source.JWT_MODE?.trim()) === 'secret';
  if (secretMode && present(source.JWT_SECRET) === undefined) {
    problems.push({ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' });
  }
  if (env === undefined || betterAuthSecret === undefined) throw new ConfigError(problems);

  const issuer = env.AUTH_ISSUER ?? env.AUTH_URL;
  if (!URL.canParse(issuer)) problems.push({ variable: 'AUTH_ISSUER', message: 'must be a URL (it becomes the iss claim)' });
  for (const origin of env.TRUSTED_ORIGINS) {
    if (!isOrigin(origin)) problems.push({ variable: 'TRUSTED_ORIGINS', message: `"${origin}" is not an origin like https://app.example.com` });
  }

  let jwt: JwtSigningConfig;
  if (env.JWT_MODE === 'secret') {
    if (env.JWT_SECRET !== undefined && env.JWT_SECRET === betterAuthSecret.value) {
      // A resource service holding BETTER_AUTH_SECRET could forge session cookies and decrypt signing keys.
      problems.push({ variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' });
    }
    jwt = { mode: 'secret', secret: env.JWT_SECRET ?? '' };
  } else {
    if (env.JWT_ROTATION_INTERVAL > 0 && env.JWT_GRACE_PERIOD < env.JWT_TTL) {
      problems.push({ variable: 'JWT_GRACE_PERIOD', message: 'must be at least JWT_TTL, or tokens signed just before a rotation stop verifying' });
    }
    jwt = { mode: 'jwks', alg: env.JWT_ALG, rotationIntervalSeconds: env.JWT_ROTATION_INTERVAL, gracePeriodSeconds: env.JWT_GRACE_PERIOD };
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: env.NODE_ENV,
    production,
    logLevel: env.LOG_LEVEL,
    port: env.AUTH_PORT,
    host: env.HOST,
    url: env.AUTH_URL,
    issuer,
    audience: env.JWT_AUDIENCE,
    jwtTtlSeconds: env.JWT_TTL,
    jwt,
    betterAuthSecret: betterAuthSecret.value,
    betterAuthSecretGenerated: betterAuthSecret.generated,
    databaseUrl: env.AUTH_DATABASE_URL,
    dataDir,
    // `https://app.example/` is accepted as an origin, but CORS compares the browser's Origin (never a trailing
    // slash) as an exact string: keep the serialised origin, or that app would be refused by CORS alone.
    trustedOrigins: env.TRUSTED_ORIGINS.map((origin) => new URL(origin).origin),
    trustedProxyIpHeader: env.TRUSTED_PROXY_IP_HEADER,
    rateLimitEnabled: production,
  };
}

/**
 * Where the auth database lives: `AUTH_DATABASE_URL` (undefined = embedded PGlite) and `DATA_DIR`
 * (default `<repo>/.data`; a relative path is taken from the working directory). All `db:migrate` needs.
 */
export function databaseLocation(source: EnvSource = process.env): { databaseUrl: string | undefined; dataDir: string } {
  const dataDir = present(source.DATA_DIR)?.trim();
  return {
    databaseUrl: present(source.AUTH_DATABASE_URL)?.trim(),
    dataDir: dataDir === undefined ? defaultDataDir() : isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
  };
}

function parseEnv(source: EnvSource, problems: ConfigProblem[]): z.output<typeof envSchema> | undefined {
  try {
    return loadEnv(envSchema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
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

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
}
