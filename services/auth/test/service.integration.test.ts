import { randomBytes } from 'node:crypto';
import { createLogger } from '@tessera/server';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService } from '../src/app.ts';
import { loadAuthConfig } from '../src/config.ts';
import { jwks } from '../src/db/schema.ts';
import type { TestAuthService } from '../src/testing.ts';
import { startOn } from './support/auth-client.ts';

describe('service routes', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', { JWT_ALG: 'ES256', JWT_AUDIENCE: 'tasks,billing' });
  });
  afterAll(() => service?.close());

  it('publishes the discovery document', async () => {
    const answer = await fetch(`${service.url}/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      issuer: service.url,
      jwks_uri: `${service.url}/api/auth/jwks`,
      token_endpoint: `${service.url}/api/auth/oauth2/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      access_token_signing_alg_values_supported: ['ES256'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });

  it('is ready once the database answers and a token can be signed', async () => {
    const answer = await fetch(`${service.url}/readyz`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { status: string; checks: Record<string, unknown> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'signing-keys']);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });

  it('describes its API at /openapi.json, with Better Auth routes under /api/auth, and serves /docs', async () => {
    const answer = await fetch(`${service.url}/openapi.json`);
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.servers).toEqual([{ url: service.url }]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/sign-in/email',
        '/api/auth/sign-up/email',
        '/api/auth/token',
        '/api/auth/jwks',
        '/api/auth/oauth2/token',
        '/.well-known/openid-configuration',
      ]),
    );
    const docs = await fetch(`${service.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('puts every JWT_AUDIENCE entry into an array aud claim of user tokens', async () => {
    const { jwt } = await service.signUp();
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`)), {
      audience: 'billing',
      issuer: service.url,
    });
    expect(payload.aud).toEqual(['tasks', 'billing']);
  });

  it('issues service tokens at the token endpoint with the same keys as user tokens', async () => {
    const client = await service.createClient({ scopes: ['tasks:read'] });
    const answer = await fetch(`${service.url}/api/auth/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=tasks:read&resource=tasks',
    });
    expect(answer.status).toBe(200);
    const { access_token: accessToken } = (await answer.json()) as { access_token: string };
    const { payload, protectedHeader } = await jwtVerify(
      accessToken,
      createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`)),
      {
        issuer: service.url,
        audience: 'tasks',
      },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.sub).toBe(`client:${client.clientId}`);
    expect(payload.scope).toBe('tasks:read');
    expect(payload).not.toHaveProperty('user_id');
  });
});

describe('signing keys at start', () => {
  it('exist before the service listens, so the first JWKS fetch and the first token agree', async () => {
    const config = loadAuthConfig({
      NODE_ENV: 'test',
      AUTH_DATABASE_URL: 'memory://',
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    });
    const service = await createAuthService(config, { logger: createLogger({ service: 'auth', level: 'silent' }) });
    try {
      const keys = await service.database.db.select().from(jwks);
      expect(keys).toHaveLength(1);
      const answer = await service.app.request('/api/auth/jwks');
      expect(((await answer.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([keys[0]!.id]);
    } finally {
      await service.close();
    }
  });
});
