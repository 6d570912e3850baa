import {
  countSchema,
  databaseUrlSchema,
  type EnvSource,
  loadServiceEnv,
  portSchema,
  type SharedSettings,
} from '@tessera/config';
import { z } from 'zod';

/** The tasks service's own variables; the shared ones (`AUTH_URL`, `JWT_*`, …) come from `@tessera/config`. */
const tasksVariables = {
  TASKS_PORT: portSchema().default(3001),
  TASKS_DATABASE_URL: databaseUrlSchema().optional(),
  // Each replica holds one pool: size it against Postgres's max_connections (or the pooler's) over all replicas.
  TASKS_DATABASE_POOL_MAX: countSchema({ min: 1, max: 100 }).optional(),
  TASKS_TOKEN_CACHE: z.enum(['on', 'off']).default('on'),
  REVOCATIONS: z.enum(['on', 'off']).default('on'),
};

/** How the tasks service verifies tokens: against the auth service's JWKS, or with a shared HS256 secret. */
export type TokenVerification = { mode: 'jwks'; jwksUrl: string } | { mode: 'secret'; secret: string };

/** The tasks service's configuration, parsed once at start from the environment. */
export type TasksConfig = {
  /** `TASKS_PORT`, default 3001 (0 asks the OS for an ephemeral port). */
  port: number;
  /** `HOST`, default `0.0.0.0`: the interface address to listen on. */
  host: string;
  /** `AUTH_URL`, default `http://localhost:<AUTH_PORT>`: where the JWKS lives. */
  authUrl: string;
  /** `AUTH_ISSUER`, default `AUTH_URL`: the exact `iss` accepted. */
  issuer: string;
  /** `JWT_AUDIENCE`, default `tessera`: a token's `aud` must contain one of these. */
  audience: string[];
  /** `JWT_MODE` (default `jwks`) with its key material. */
  verification: TokenVerification;
  /** `TASKS_DATABASE_URL`: unset means embedded PGlite under `dataDir`, `memory://` an in-memory one. */
  databaseUrl: string | undefined;
  /** `TASKS_DATABASE_POOL_MAX` (1–100): connections of the Postgres pool; unset for the default, 10. */
  poolMax: number | undefined;
  /** `DATA_DIR`, default `<repo>/.data`; a relative path is taken from the repository root. */
  dataDir: string;
  /** `TRUSTED_ORIGINS`, default `http://localhost:5173`: CORS origins (bearer tokens need no credentials). */
  trustedOrigins: string[];
  /** `NODE_ENV`, default `development`. */
  nodeEnv: SharedSettings['nodeEnv'];
  /** `LOG_LEVEL`, default `info`. */
  logLevel: SharedSettings['logLevel'];
  /** `TASKS_TOKEN_CACHE` (`on`/`off`, default `on`): keep verified tokens in memory until their `exp`. */
  tokenCache: boolean;
  /**
   * `REVOCATIONS` (`on`/`off`, default `on`): the auth service's revocation list to follow,
   * `<AUTH_URL>/api/auth/revocations`; `undefined` when off (a token is then accepted until its `exp`).
   */
  revocationsUrl: string | undefined;
};

/** Parses the tasks service's environment; throws one `ConfigError` listing every problem. */
export function loadTasksConfig(source: EnvSource = process.env): TasksConfig {
  const { shared, env } = loadServiceEnv(tasksVariables, source);
  return {
    port: env.TASKS_PORT,
    host: shared.host,
    authUrl: shared.authUrl,
    issuer: shared.issuer,
    audience: shared.audience,
    verification:
      shared.jwt.mode === 'secret' ? shared.jwt : { mode: 'jwks', jwksUrl: `${shared.authUrl}/api/auth/jwks` },
    databaseUrl: env.TASKS_DATABASE_URL,
    poolMax: env.TASKS_DATABASE_POOL_MAX,
    dataDir: shared.dataDir,
    trustedOrigins: shared.trustedOrigins,
    nodeEnv: shared.nodeEnv,
    logLevel: shared.logLevel,
    tokenCache: env.TASKS_TOKEN_CACHE === 'on',
    revocationsUrl: env.REVOCATIONS === 'on' ? `${shared.authUrl}/api/auth/revocations` : undefined,
  };
}
