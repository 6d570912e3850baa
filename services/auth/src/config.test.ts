import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@tessera/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAuthConfig } from './config.ts';

const secret = () => randomBytes(32).toString('base64url');
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-auth-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function problemsOf(env: Record<string, string>): ConfigError['problems'] {
  try {
    loadAuthConfig({ DATA_DIR: dataDir, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAuthConfig', () => {
  it('applies the documented defaults', () => {
    const betterAuthSecret = secret();
    const config = loadAuthConfig({ BETTER_AUTH_SECRET: betterAuthSecret, DATA_DIR: dataDir });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      production: false,
      logLevel: 'info',
      port: 3000,
      url: 'http://localhost:3000',
      issuer: 'http://localhost:3000',
      audience: ['tessera'],
      jwtTtlSeconds: 900,
      jwt: { mode: 'jwks', alg: 'EdDSA', rotationIntervalSeconds: 30 * 86_400, gracePeriodSeconds: 86_400 },
      betterAuthSecret,
      betterAuthSecretGenerated: false,
      databaseUrl: undefined,
      dataDir,
      trustedOrigins: ['http://localhost:5173'],
      trustedProxyIpHeader: undefined,
      rateLimitEnabled: false,
    });
  });

  it('listens on every IPv4 interface by default, and on the address HOST names', () => {
    expect(loadAuthConfig({ DATA_DIR: dataDir }).host).toBe('0.0.0.0');
    expect(loadAuthConfig({ DATA_DIR: dataDir, HOST: '::' }).host).toBe('::');
    expect(problemsOf({ HOST: 'a b' }).map((problem) => problem.variable)).toEqual(['HOST']);
  });

  it('generates BETTER_AUTH_SECRET once under DATA_DIR outside production', () => {
    const first = loadAuthConfig({ DATA_DIR: dataDir });
    expect(first.betterAuthSecretGenerated).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({
      BETTER_AUTH_SECRET: first.betterAuthSecret,
    });
    expect(loadAuthConfig({ DATA_DIR: dataDir }).betterAuthSecret).toBe(first.betterAuthSecret);
  });

  it('refuses a missing BETTER_AUTH_SECRET in production, and reports it with every other problem', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_TTL: 'soon', JWT_ALG: 'HS256', JWT_MODE: 'secret' });
    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'BETTER_AUTH_SECRET',
      'JWT_ALG',
      'JWT_SECRET',
      'JWT_TTL',
    ]);
  });

  it('generates no dev secret when NODE_ENV is misspelt', () => {
    expect(
      problemsOf({ NODE_ENV: 'prod' })
        .map((problem) => problem.variable)
        .sort(),
    ).toEqual(['BETTER_AUTH_SECRET', 'NODE_ENV']);
  });

  it('refuses a weak BETTER_AUTH_SECRET', () => {
    expect(problemsOf({ NODE_ENV: 'production', BETTER_AUTH_SECRET: 'changeme' })[0]?.variable).toBe(
      'BETTER_AUTH_SECRET',
    );
    expect(problemsOf({ BETTER_AUTH_SECRET: 'too-short' })).toEqual([
      { variable: 'BETTER_AUTH_SECRET', message: 'must be at least 32 bytes' },
    ]);
  });

  it('parses lists and durations', () => {
    const config = loadAuthConfig({
      BETTER_AUTH_SECRET: secret(),
      DATA_DIR: dataDir,
      JWT_AUDIENCE: 'tasks, billing',
      JWT_TTL: '5m',
      JWT_ALG: 'RS256',
      JWT_ROTATION_INTERVAL: '7d',
      JWT_GRACE_PERIOD: '1h',
      TRUSTED_ORIGINS: 'https://a.example, https://b.example',
      TRUSTED_PROXY_IP_HEADER: 'X-Real-IP',
      AUTH_ISSUER: 'https://issuer.example',
    });
    expect(config.audience).toEqual(['tasks', 'billing']);
    expect(config.jwtTtlSeconds).toBe(300);
    expect(config.jwt).toEqual({
      mode: 'jwks',
      alg: 'RS256',
      rotationIntervalSeconds: 604_800,
      gracePeriodSeconds: 3600,
    });
    expect(config.trustedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.trustedProxyIpHeader).toBe('x-real-ip');
    expect(config.issuer).toBe('https://issuer.example');
  });

  it('refuses a grace period shorter than the token lifetime', () => {
    expect(problemsOf({ BETTER_AUTH_SECRET: secret(), JWT_TTL: '1h', JWT_GRACE_PERIOD: '10m' })[0]?.variable).toBe(
      'JWT_GRACE_PERIOD',
    );
  });

  it('keeps trusted origins as browsers send them, without a trailing slash', () => {
    const config = loadAuthConfig({
      BETTER_AUTH_SECRET: secret(),
      DATA_DIR: dataDir,
      TRUSTED_ORIGINS: 'https://app.example/, http://localhost:5173',
    });
    expect(config.trustedOrigins).toEqual(['https://app.example', 'http://localhost:5173']);
  });

  it('refuses trusted origins that are not origins', () => {
    expect(problemsOf({ BETTER_AUTH_SECRET: secret(), TRUSTED_ORIGINS: 'https://app.example/path' })[0]?.variable).toBe(
      'TRUSTED_ORIGINS',
    );
  });

  it('turns rate limiting on in production', () => {
    expect(
      loadAuthConfig({ NODE_ENV: 'production', BETTER_AUTH_SECRET: secret(), DATA_DIR: dataDir }).rateLimitEnabled,
    ).toBe(true);
  });
});
