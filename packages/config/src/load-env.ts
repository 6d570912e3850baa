import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.ts';

/** Where variables come from: `process.env` or any plain record (tests). */
export type EnvSource = Record<string, string | undefined>;

/**
 * Parses the environment once, at the edge, with a zod object schema (refined or transformed as a whole if need be).
 * Empty (or blank) strings count as unset, so `FOO=` in a `.env` file falls back to the default.
 * On failure throws one `ConfigError` listing every missing and invalid variable together.
 */
export function loadEnv<TSchema extends z.ZodType<unknown, Record<string, unknown>>>(
  schema: TSchema,
  source: EnvSource = process.env,
): z.output<TSchema> {
  const present = withoutBlankValues(source);
  const result = schema.safeParse(present);
  if (result.success) return result.data;

  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const missing = issue.code === 'invalid_type' && issue.path.length === 1 && present[variable] === undefined;
    return { variable, message: missing ? 'required' : issue.message };
  });
  throw new ConfigError(problems);
}

function withoutBlankValues(source: EnvSource): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  return present;
}
