import { ConfigError } from '@tessera/config';
import { describe, expect, it } from 'vitest';
import { loadTasksConfig } from './config.ts';

const secret = 'tasks-test-secret-0123456789-abcdefghij';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadTasksConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadTasksConfig', () => {
  it('defaults to port 3001, the local auth service and its JWKS', () => {
    const config = loadTasksConfig({});
    expect(config).toMatchObject({
      port: 3001,
      authUrl: 'http://localhost:3000',
      issuer: 'http://localhost:3000',
      audience: ['tessera'],
      verification: { mode: 'jwks', jwksUrl: 'http://localhost:3000/api/auth/jwks' },
      databaseUrl: undefined,
      poolMax: undefined,
      trustedOrigins: ['http://localhost:5173'],
      tokenCache: true,
    });
  });

  it('listens on every IPv4 interface by default, and on the address HOST names', () => {
    expect(loadTasksConfig({}).host).toBe('0.0.0.0');
    expect(loadTasksConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(problemsOf({ HOST: 'not a host' }).map((problem) => problem.variable)).toEqual(['HOST']);
  });

  it('takes the issuer from AUTH_ISSUER when set, else from AUTH_URL', () => {
    expect(loadTasksConfig({ AUTH_URL: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
    expect(loadTasksConfig({ AUTH_URL: 'https://auth.example.com', AUTH_ISSUER: 'urn:tessera:issuer' }).issuer).toBe(
      'urn:tessera:issuer',
    );
  });

  it('follows AUTH_PORT for the auth URL, the issuer and the JWKS, as the auth service does', () => {
    const config = loadTasksConfig({ AUTH_PORT: '3010' });
    expect(config.authUrl).toBe('http://localhost:3010');
    expect(config.issuer).toBe('http://localhost:3010');
    expect(config.verification).toEqual({ mode: 'jwks', jwksUrl: 'http://localhost:3010/api/auth/jwks' });
  });

  it('reads JWT_AUDIENCE as a list, as the auth service does', () => {
    expect(loadTasksConfig({ JWT_AUDIENCE: 'tessera,reports' }).audience).toEqual(['tessera', 'reports']);
  });

  it('keeps trusted origins as browsers send them', () => {
    expect(loadTasksConfig({ TRUSTED_ORIGINS: 'http://localhost:5173/' }).trustedOrigins).toEqual([
      'http://localhost:5173',
    ]);
  });

  it('uses the shared secret in secret mode', () => {
    expect(loadTasksConfig({ JWT_MODE: 'secret', JWT_SECRET: secret }).verification).toEqual({
      mode: 'secret',
      secret,
    });
  });

  it('requires JWT_SECRET in secret mode', () => {
    expect(problemsOf({ JWT_MODE: 'secret' })).toEqual([
      { variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' },
    ]);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes', () => {
    expect(
      problemsOf({ JWT_MODE: 'secret', JWT_SECRET: 'short-but-not-a-placeholder' }).map((problem) => problem.variable),
    ).toEqual(['JWT_SECRET']);
  });

  it('refuses to start when JWT_SECRET equals BETTER_AUTH_SECRET', () => {
    expect(problemsOf({ JWT_MODE: 'secret', JWT_SECRET: secret, BETTER_AUTH_SECRET: secret })).toEqual([
      { variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' },
    ]);
  });

  it('lists every bad variable at once', () => {
    const variables = problemsOf({
      TASKS_PORT: 'x',
      JWT_MODE: 'hmac',
      AUTH_URL: 'ftp://nope',
      TASKS_TOKEN_CACHE: 'maybe',
    }).map((problem) => problem.variable);
    expect(variables.sort()).toEqual(['AUTH_URL', 'JWT_MODE', 'TASKS_PORT', 'TASKS_TOKEN_CACHE']);
  });

  it('reads TRUSTED_ORIGINS as a comma list and the cache switch', () => {
    const config = loadTasksConfig({
      TRUSTED_ORIGINS: 'https://a.example, https://b.example',
      TASKS_TOKEN_CACHE: 'off',
    });
    expect(config.trustedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.tokenCache).toBe(false);
  });

  it('sizes the Postgres pool from TASKS_DATABASE_POOL_MAX', () => {
    const config = loadTasksConfig({ TASKS_DATABASE_POOL_MAX: ' 12 ' });
    expect(config).toMatchObject({ poolMax: 12 });
  });

  it.each(['0', '101', '-2', '2.5', 'four'])('refuses the pool size %j', (value) => {
    expect(problemsOf({ TASKS_DATABASE_POOL_MAX: value })).toEqual([
      { variable: 'TASKS_DATABASE_POOL_MAX', message: 'must be an integer from 1 to 100' },
    ]);
  });
});
