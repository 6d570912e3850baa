import { commaListSchema, ConfigError, countSchema, defaultDataDir, hostSchema, loadEnv, nodeEnvSchema, portSchema, secretSchema, urlSchema, type EnvSource } from '@tessera/config';
import { z } from 'zod';

const tasksEnvSchema = z
  .object({
    TASKS_PORT: portSchema().default(3001),
    HOST: hostSchema(),
    AUTH_URL: urlSchema().default('http://localhost:3000'),
    AUTH_ISSUER: z.string().trim().optional(),
    JWT_AUDIENCE: z.string().trim().default('tessera'),
    JWT_MODE: z.enum(['jwks', 'secret']).default('jwks'),
    JWT_SECRET: secretSchema().optional(),
    // Read only to refuse a JWT_SECRET equal to it; the tasks service never uses it otherwise.
    BETTER_AUTH_SECRET: z.string().optional(),
    TASKS_DATABASE_URL: z.string().trim().optional(),
    // Each replica holds both pools: size them against Postgres's max_connections (or the pooler's) over all replicas.
    TASKS_DATABASE_POOL_MAX: countSchema({ min: 1, max: 100 }).optional(),
    TASKS_DATABASE_READ_POOL_MAX: countSchema({ min: 1, max: 100 }).optional(),
    DATA_DIR: z.string().trim().default(defaultDataDir()),
    TRUSTED_ORIGINS: commaListSchema().default(['http://localhost:5173']),
    NODE_ENV: nodeEnvSchema(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TASKS_TOKEN_CACHE: z.enum(['on', 'off']).default('on'),
  })
  .superRefine((env, context) => {
    if (env.JWT_MODE === 'secret' && env.JWT_SECRET === undefined) {
      context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required when JWT_MODE=secret' });
    }
    if (env.JWT_SECRET !== undefined && env.JWT_SECRET === env.BETTER_AUTH_SECRET) {
      // A resource service holding BETTER_AUTH_SECRET could forge session cookies: the two must differ.
      context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'must differ from BETTER_AUTH_SECRET' });
    }
  });

/** How the tasks service verifies tokens: against the auth service's JWKS, or with a shared HS256 secret. */
export type TokenVerification = { mode: 'jwks'; jwksUrl: string } | { mode: 'secret'; secret: string };

/** The tasks service's configuration, parsed once at start from the environment. */
export type TasksConfig = {
  /** `TASKS_PORT`, default 3001 (0 asks the OS for an ephemeral port). */
  port: number;
  /** `HOST`, default `0.0.0.0`: the interface address to listen on. */
  host: string;
  /** `AUTH_URL`, default `http://localhost:3000`: where the JWKS lives. */
  authUrl: string;
  /** `AUTH_ISSUER`, default `AUTH_URL`: the exact `iss` accepted. */
  issuer: string;
  /** `JWT_AUDIENCE`, default `tessera`: the `aud` this service accepts. */
  audience: string;
  /** `JWT_MODE` (default `jwks`) with its key material. */
  verification: TokenVerification;
  /** `TASKS_DATABASE_URL`: unset means embedded PGlite under `dataDir`, `memory://` an in-memory one. */
  databaseUrl: string | undefined;
  /** `TASKS_DATABASE_POOL_MAX` (1–100): connections of the write pool on Postgres; unset for the default, 4. */
  poolMax: number | undefined;
  /** `TASKS_DATABASE_READ_POOL_MAX` (1–100): connections of the read pool on Postgres; unset for the default, 2. */
  readPoolMax: number | undefined;
  /** `DATA_DIR`, default `<repo>/.data`. */
  dataDir: string;
  /** `TRUSTED_ORIGINS`, default `http://localhost:5173`: CORS origins (bearer tokens need no credentials). */
  trustedOrigins: string[];
  /** `NODE_ENV`, default `development`. */
  nodeEnv: 'development' | 'test' | 'production';
  /** `LOG_LEVEL`, default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `TASKS_TOKEN_CACHE` (`on`/`off`, default `on`): keep verified tokens in memory until their `exp`. */
  tokenCache: boolean;
};

/** Parses the tasks service's environment; throws one `ConfigError` listing every problem. */
export function loadTasksConfig(source: EnvSource = process.env): TasksConfig {
  const env = loadEnv(tasksEnvSchema, source);
  const verification: TokenVerification =
    env.JWT_MODE === 'secret'
      ? { mode: 'secret', secret: requireSecret(env.JWT_SECRET) }
      : { mode: 'jwks', jwksUrl: `${env.AUTH_URL}/api/auth/jwks` };
  return {
    port: env.TASKS_PORT,
    host: env.HOST,
    authUrl: env.AUTH_URL,
    issuer: env.AUTH_ISSUER ?? env.AUTH_URL,
    audience: env.JWT_AUDIENCE,
    verification,
    databaseUrl: env.TASKS_DATABASE_URL,
    poolMax: env.TASKS_DATABASE_POOL_MAX,
    readPoolMax: env.TASKS_DATABASE_READ_POOL_MAX,
    dataDir: env.DATA_DIR,
    trustedOrigins: env.TRUSTED_ORIGINS,
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    tokenCache: env.TASKS_TOKEN_CACHE === 'on',
  };
}

function requireSecret(secret: string | undefined): string {
  // The schema's refinement already refused this; the check narrows the type without a cast.
  if (secret === undefined) throw new ConfigError([{ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' }]);
  return secret;
}
