import { randomBytes } from 'node:crypto';
import { ConfigError } from '@tessera/config';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../src/config.ts';
import { startTestAuthService, type TestAuthService } from '../src/testing.ts';
import { databaseTargets, startOn } from './support/auth-client.ts';

const jwtSecret = randomBytes(32).toString('base64url');

describe.each(databaseTargets)('JWT_MODE=secret on %s', (target) => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn(target, { JWT_MODE: 'secret', JWT_SECRET: jwtSecret, JWT_TTL: '5m' });
  });
  afterAll(() => service?.close());

  it('issues HS256 user tokens that verify with JWT_SECRET and carry the same claims', async () => {
    const user = await service.signUp({ name: 'Grace' });
    expect(decodeProtectedHeader(user.jwt).alg).toBe('HS256');
    const { payload } = await jwtVerify(user.jwt, new TextEncoder().encode(jwtSecret), {
      algorithms: ['HS256'],
      issuer: service.url,
      audience: 'tessera',
    });
    expect(payload).toMatchObject({
      sub: user.userId,
      user_id: user.userId,
      email: user.email,
      name: 'Grace',
      sid: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('does not verify with BETTER_AUTH_SECRET', async () => {
    const user = await service.signUp();
    await expect(jwtVerify(user.jwt, new TextEncoder().encode(service.config.betterAuthSecret))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('signs service tokens through the same path', async () => {
    const token = await service.service.signAccessToken(
      { sub: 'client:worker', scope: 'tasks:read' },
      { audience: 'tasks', expiresInSeconds: 60 },
    );
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(jwtSecret), {
      issuer: service.url,
      audience: 'tasks',
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('serves no JWKS: /api/auth/jwks answers 404 problem+json', async () => {
    const answer = await fetch(`${service.url}/api/auth/jwks`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(((await answer.json()) as { code: string }).code).toBe('not_found');
  });

  it('does not list the JWKS route in /openapi.json', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(document.paths).toHaveProperty(['/api/auth/token']);
    expect(document.paths).not.toHaveProperty(['/api/auth/jwks']);
  });

  it('leaves jwks_uri out of the discovery document and names HS256', async () => {
    const document = (await (await fetch(`${service.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(document).not.toHaveProperty('jwks_uri');
    expect(document.access_token_signing_alg_values_supported).toEqual(['HS256']);
  });
});

describe('JWT_MODE=secret refuses to start', () => {
  const betterAuthSecret = randomBytes(32).toString('base64url');

  function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
    try {
      loadAuthConfig({ NODE_ENV: 'test', BETTER_AUTH_SECRET: betterAuthSecret, JWT_MODE: 'secret', ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected a ConfigError');
  }

  it('when JWT_SECRET is under 32 bytes', () => {
    expect(problemsOf({ JWT_SECRET: 'x1'.repeat(15) })).toEqual([
      { variable: 'JWT_SECRET', message: 'must be at least 32 bytes' },
    ]);
  });

  it('when JWT_SECRET equals BETTER_AUTH_SECRET', () => {
    expect(problemsOf({ JWT_SECRET: betterAuthSecret })).toEqual([
      { variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' },
    ]);
  });

  it('when JWT_SECRET is missing', () => {
    expect(problemsOf({})).toEqual([{ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' }]);
  });

  it('through the test harness too, before listening', async () => {
    await expect(startTestAuthService({ JWT_MODE: 'secret', JWT_SECRET: 'short-secret' })).rejects.toMatchObject({
      code: 'config_invalid',
    });
  });
});
