export type { ConfigProblem } from './config-error.ts';
export { ConfigError } from './config-error.ts';
export type { ResolveDevSecretOptions, ResolvedSecret } from './dev-secrets.ts';
export { resolveDevSecret, storedDevSecret } from './dev-secrets.ts';
export { loadDotEnv, runEntryPoint } from './entry-point.ts';
export type { EnvSource } from './load-env.ts';
export { loadEnv } from './load-env.ts';
export { OperatorError } from './operator-error.ts';
export { defaultDataDir, repoRoot, resolveDataDir } from './paths.ts';
export type { LogLevel, SecretSchemaOptions } from './schemas.ts';
export {
  commaListSchema,
  countSchema,
  DEFAULT_HOST,
  databaseUrlSchema,
  durationSchema,
  hostSchema,
  LOG_LEVELS,
  logLevelSchema,
  nodeEnvSchema,
  originListSchema,
  portSchema,
  secretSchema,
  urlSchema,
} from './schemas.ts';
export type { JwtMode, SharedSettings } from './shared-env.ts';
export { isProduction, JWT_MODES, loadDatabaseLocation, loadServiceEnv, sharedEnv } from './shared-env.ts';
