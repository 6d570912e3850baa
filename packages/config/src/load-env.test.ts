import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { loadEnv } from './load-env.ts';
import { durationSchema, portSchema, secretSchema, urlSchema } from './schemas.ts';

const schema = z.object({
  PORT: portSchema().default(3000),
  AUTH_URL: urlSchema().default('http://localhost:3000'),
  JWT_TTL: durationSchema().default(900),
  BETTER_AUTH_SECRET: secretSchema(),
});

const secret = 'k'.repeat(16) + 'q'.repeat(16);

function problemsOf(run: () => unknown): ConfigError['problems'] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnv', () => {
  it('parses and applies defaults', () => {
    const env = loadEnv(schema, { BETTER_AUTH_SECRET: secret });
    expect(env).toEqual({ PORT: 3000, AUTH_URL: 'http://localhost:3000', JWT_TTL: 900, BETTER_AUTH_SECRET: secret });
  });

  it('converts values through the schemas', () => {
    const env = loadEnv(schema, {
      PORT: '8080',
      AUTH_URL: 'https://auth.example.com/',
      JWT_TTL: '5m',
      BETTER_AUTH_SECRET: secret,
    });
    expect(env.PORT).toBe(8080);
    expect(env.AUTH_URL).toBe('https://auth.example.com');
    expect(env.JWT_TTL).toBe(300);
  });

  it('treats empty and blank strings as unset, so defaults apply', () => {
    const env = loadEnv(schema, { PORT: '', AUTH_URL: '   ', BETTER_AUTH_SECRET: secret });
    expect(env.PORT).toBe(3000);
    expect(env.AUTH_URL).toBe('http://localhost:3000');
  });

  it('reports every missing and invalid variable at once', () => {
    const problems = problemsOf(() =>
      loadEnv(schema, { PORT: '70000', AUTH_URL: 'ftp://x', JWT_TTL: 'soon', BETTER_AUTH_SECRET: '' }),
    );
    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'AUTH_URL',
      'BETTER_AUTH_SECRET',
      'JWT_TTL',
      'PORT',
    ]);
    expect(problems.find((problem) => problem.variable === 'BETTER_AUTH_SECRET')?.message).toBe('required');
  });

  it('has the stable code config_invalid and a message naming each variable', () => {
    try {
      loadEnv(schema, { JWT_TTL: 'soon' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).code).toBe('config_invalid');
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}- /);
      expect((error as Error).message).toContain('  - BETTER_AUTH_SECRET: required');
      expect((error as Error).message).toContain('  - JWT_TTL: ');
    }
  });

  it('keeps custom messages from refinements on the whole object', () => {
    const modes = z
      .object({ JWT_MODE: z.enum(['jwks', 'secret']).default('jwks'), JWT_SECRET: z.string().optional() })
      .superRefine((env, context) => {
        if (env.JWT_MODE === 'secret' && env.JWT_SECRET === undefined) {
          context.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required when JWT_MODE=secret' });
        }
      });
    const problems = problemsOf(() => loadEnv(modes, { JWT_MODE: 'secret' }));
    expect(problems).toEqual([{ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' }]);
  });

  it('accepts a schema transformed as a whole', () => {
    const derived = z
      .object({ AUTH_URL: urlSchema(), AUTH_ISSUER: urlSchema().optional() })
      .transform((env) => ({ issuer: env.AUTH_ISSUER ?? env.AUTH_URL }));
    expect(loadEnv(derived, { AUTH_URL: 'http://localhost:3000/' })).toEqual({ issuer: 'http://localhost:3000' });
    expect(problemsOf(() => loadEnv(derived, {}))).toEqual([{ variable: 'AUTH_URL', message: 'required' }]);
  });

  it('reads process.env by default', () => {
    const only = z.object({ TESSERA_LOAD_ENV_PROBE: z.string() });
    process.env.TESSERA_LOAD_ENV_PROBE = 'present';
    try {
      expect(loadEnv(only).TESSERA_LOAD_ENV_PROBE).toBe('present');
    } finally {
      delete process.env.TESSERA_LOAD_ENV_PROBE;
    }
  });
});
