import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { storedDevSecret } from './dev-secrets.ts';
import { type EnvSource, loadEnv } from './load-env.ts';
import { resolveDataDir } from './paths.ts';
import {
  commaListSchema,
  databaseUrlSchema,
  hostSchema,
  type LogLevel,
  logLevelSchema,
  nodeEnvSchema,
  originListSchema,
  portSchema,
  secretSchema,
  urlSchema,
} from './schemas.ts';

/** How tokens are signed and verified (`JWT_MODE`): asymmetric keys published as a JWKS, or one shared HS256 secret. */
export const JWT_MODES = ['jwks', 'secret'] as const;
/** One of {@link JWT_MODES}. */
export type JwtMode = (typeof JWT_MODES)[number];

/**
 * Every variable that more than one service reads, defined once, so the same value means the same thing in every
 * service. Spread it into a service's own variables through {@link loadServiceEnv}, which also resolves the
 * defaults that depend on another variable (`AUTH_URL` on `AUTH_PORT`, `AUTH_ISSUER` on `AUTH_URL`).
 */
export const sharedEnv = {
  /** `development` (default), `test` or `production`: production refuses missing or weak secrets. */
  NODE_ENV: nodeEnvSchema(),
  /** pino level, default `info`. */
  LOG_LEVEL: logLevelSchema(),
  /** The interface address every service listens on: `0.0.0.0` (default), `::`, `127.0.0.1`. */
  HOST: hostSchema(),
  /** The auth service's port, default 3000; the default `AUTH_URL` of every service follows it. */
  AUTH_PORT: portSchema().default(3000),
  /** The auth service's public URL, default `http://localhost:<AUTH_PORT>`; resource services find the JWKS there. */
  AUTH_URL: urlSchema().optional(),
  /** The `iss` of every token, matched exactly; default `AUTH_URL`. */
  AUTH_ISSUER: z
    .string()
    .trim()
    .refine(URL.canParse, { message: 'must be a URL (it becomes the iss claim)' })
    .optional(),
  /** The `aud` the auth service issues and resource services accept: a comma-separated list, default `tessera`. */
  JWT_AUDIENCE: commaListSchema()
    .refine((list) => list.length > 0, { message: 'must name at least one audience' })
    .default(['tessera']),
  /** `jwks` (default) or `secret`. */
  JWT_MODE: z.enum(JWT_MODES).default('jwks'),
  /** The HS256 secret of `JWT_MODE=secret`: at least 32 bytes, required in that mode, never `BETTER_AUTH_SECRET`. */
  JWT_SECRET: secretSchema().optional(),
  /** Browser origins allowed by CORS (and by Better Auth's origin check), normalised; default `http://localhost:5173`. */
  TRUSTED_ORIGINS: originListSchema().default(['http://localhost:5173']),
  /** Embedded databases and dev secrets: an absolute path; relative to the repository root; default `<repo>/.data`. */
  DATA_DIR: z
    .string()
    .optional()
    .transform((value) => resolveDataDir(value)),
};

/** The shared variables as a service uses them, cross-variable defaults applied. */
export type SharedSettings = {
  nodeEnv: 'development' | 'test' | 'production';
  /** `NODE_ENV=production`. */
  production: boolean;
  logLevel: LogLevel;
  /** `HOST`, default `0.0.0.0`: the interface address to listen on. */
  host: string;
  /** `AUTH_PORT`. */
  authPort: number;
  /** `AUTH_URL`, default `http://localhost:<AUTH_PORT>`, without trailing slash. */
  authUrl: string;
  /** `AUTH_ISSUER`, default `AUTH_URL`. */
  issuer: string;
  /** `JWT_AUDIENCE`, a non-empty list. */
  audience: string[];
  /** `JWT_MODE`, with `JWT_SECRET` in secret mode. */
  jwt: { mode: 'jwks' } | { mode: 'secret'; secret: string };
  /** `TRUSTED_ORIGINS`, each as a browser sends it in `Origin`. */
  trustedOrigins: string[];
  /** `DATA_DIR`, absolute. */
  dataDir: string;
};

type SharedEnv = z.output<z.ZodObject<typeof sharedEnv>>;

/**
 * Loads a service's environment: the {@link sharedEnv} variables plus the service's own (`ownVariables`, a zod
 * shape), in one pass. Throws one `ConfigError` listing every problem, the cross-variable rules of `JWT_SECRET`
 * included, even when other variables are invalid too.
 */
export function loadServiceEnv<TShape extends z.ZodRawShape>(
  ownVariables: TShape,
  source: EnvSource = process.env,
): { shared: SharedSettings; env: z.output<z.ZodObject<TShape>> } {
  const problems: ConfigProblem[] = [];
  let env: (SharedEnv & z.output<z.ZodObject<TShape>>) | undefined;
  try {
    env = loadEnv(z.object({ ...sharedEnv, ...ownVariables }), source) as SharedEnv & z.output<z.ZodObject<TShape>>;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  problems.push(...jwtSecretProblems(source));
  if (env === undefined || problems.length > 0) throw new ConfigError(problems);
  return { shared: sharedSettings(env), env };
}

function sharedSettings(env: SharedEnv): SharedSettings {
  const authUrl = env.AUTH_URL ?? `http://localhost:${env.AUTH_PORT}`;
  return {
    nodeEnv: env.NODE_ENV,
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    authPort: env.AUTH_PORT,
    authUrl,
    issuer: env.AUTH_ISSUER ?? authUrl,
    audience: env.JWT_AUDIENCE,
    // jwtSecretProblems has refused secret mode without a JWT_SECRET.
    jwt: env.JWT_MODE === 'secret' ? { mode: 'secret', secret: env.JWT_SECRET ?? '' } : { mode: 'jwks' },
    trustedOrigins: env.TRUSTED_ORIGINS,
    dataDir: env.DATA_DIR,
  };
}

/**
 * In secret mode `JWT_SECRET` is required, and it must differ from `BETTER_AUTH_SECRET`: a resource service holding
 * that could forge session cookies and decrypt the signing keys. `BETTER_AUTH_SECRET` is the configured one, or
 * outside production the development secret stored under `DATA_DIR`. Read from the raw variables, so the rules
 * are reported even when other variables are invalid.
 */
function jwtSecretProblems(source: EnvSource): ConfigProblem[] {
  if (present(source.JWT_MODE)?.trim() !== 'secret') return [];
  const jwtSecret = present(source.JWT_SECRET);
  if (jwtSecret === undefined) return [{ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' }];
  const betterAuthSecret =
    present(source.BETTER_AUTH_SECRET) ??
    (isProduction(source)
      ? undefined
      : storedDevSecret({ variable: 'BETTER_AUTH_SECRET', dataDir: resolveDataDir(source.DATA_DIR) }));
  return jwtSecret === betterAuthSecret
    ? [{ variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' }]
    : [];
}

/**
 * Whether `NODE_ENV` asks for production rules, read before the environment is parsed (to decide whether a dev
 * secret may be generated). An unrecognised value (say `prod`) counts as production: it is reported, and
 * meanwhile nothing is generated.
 */
export function isProduction(source: EnvSource = process.env): boolean {
  const nodeEnv = present(source.NODE_ENV)?.trim() ?? 'development';
  return nodeEnv !== 'development' && nodeEnv !== 'test';
}

/**
 * Where a service's database is: `<SERVICE>_DATABASE_URL` (undefined means the embedded PGlite) and `DATA_DIR`.
 * All a migration needs: no secrets. Throws `ConfigError` for a URL that is not one.
 */
export function loadDatabaseLocation(
  service: string,
  source: EnvSource = process.env,
): { url: string | undefined; dataDir: string } {
  const variable = `${service.toUpperCase()}_DATABASE_URL`;
  const env = loadEnv(z.object({ [variable]: databaseUrlSchema().optional() }), source);
  return { url: env[variable], dataDir: resolveDataDir(source.DATA_DIR) };
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
