export { ConfigError } from './config-error.ts';
export { OperatorError } from './operator-error.ts';
export { loadDotEnv, runEntryPoint } from './entry-point.ts';
export type { ConfigProblem } from './config-error.ts';
export { loadEnv } from './load-env.ts';
export type { EnvSource } from './load-env.ts';
export {
  commaListSchema,
  countSchema,
  DEFAULT_HOST,
  durationSchema,
  hostSchema,
  nodeEnvSchema,
  portSchema,
  secretSchema,
  urlSchema,
} from './schemas.ts';
export type { SecretSchemaOptions } from './schemas.ts';
export { defaultDataDir, repoRoot } from './paths.ts';
export { resolveDevSecret } from './dev-secrets.ts';
export type { ResolveDevSecretOptions, ResolvedSecret } from './dev-secrets.ts';
