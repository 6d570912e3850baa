import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../config.ts';
import { audienceClaim, jwtPluginOptions, signingAlgorithm } from './jwt-plugin-options.ts';

const secret = () => randomBytes(32).toString('base64url');
const configFor = (env: Record<string, string>) =>
  loadAuthConfig({ BETTER_AUTH_SECRET: secret(), DATA_DIR: '/nonexistent', ...env });

describe('jwtPluginOptions', () => {
  it('configures JWKS keys of JWT_ALG, rotation and grace period, issuer, audience and lifetime', () => {
    const options = jwtPluginOptions(
      configFor({ JWT_ALG: 'RS256', JWT_TTL: '5m', JWT_ROTATION_INTERVAL: '7d', JWT_GRACE_PERIOD: '2h' }),
    );
    expect(options.jwks).toEqual({
      keyPairConfig: { alg: 'RS256', modulusLength: 2048 },
      rotationInterval: 604_800,
      gracePeriod: 7200,
    });
    expect(options.jwt).toMatchObject({ issuer: 'http://localhost:3000', audience: 'tessera', expirationTime: '300s' });
    expect(options.jwt?.sign).toBeUndefined();
  });

  it('uses Ed25519 for EdDSA and turns rotation off for an interval of 0', () => {
    const options = jwtPluginOptions(configFor({ JWT_ROTATION_INTERVAL: '0' }));
    expect(options.jwks).toEqual({ keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' }, gracePeriod: 86_400 });
  });

  it('adds user_id, email, name and sid to the payload', async () => {
    const claims = await jwtPluginOptions(configFor({})).jwt?.definePayload?.({
      user: {
        id: 'u1',
        email: 'a@example.test',
        name: 'A',
        emailVerified: false,
        createdAt: new Date(),
        updatedAt: new Date(),
      },
      session: {
        id: 's1',
        userId: 'u1',
        token: 't',
        expiresAt: new Date(),
        createdAt: new Date(),
        updatedAt: new Date(),
      },
    });
    expect(claims).toEqual({ user_id: 'u1', email: 'a@example.test', name: 'A', sid: 's1' });
  });

  it('signs HS256 with JWT_SECRET in secret mode, and publishes no JWKS', async () => {
    const jwtSecret = secret();
    const config = configFor({ JWT_MODE: 'secret', JWT_SECRET: jwtSecret });
    const options = jwtPluginOptions(config);
    expect(options.jwks?.remoteUrl).toBe('http://localhost:3000/api/auth/jwks');
    expect(signingAlgorithm(config)).toBe('HS256');
    const token = await options.jwt!.sign!({ sub: 'u1', iss: 'i', aud: 'a', exp: Math.floor(Date.now() / 1000) + 60 });
    const { protectedHeader } = await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ['HS256'] });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
  });
});

describe('audienceClaim', () => {
  it('is a string for one audience and an array for several', () => {
    expect(audienceClaim(['tasks'])).toBe('tasks');
    expect(audienceClaim(['tasks', 'billing'])).toEqual(['tasks', 'billing']);
  });
});
