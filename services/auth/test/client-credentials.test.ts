import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOAuthClientStore } from '../src/client-credentials/index.ts';
import type { TestAuthService, TestClient } from '../src/testing.ts';
import { databaseTargets, startOn } from './support/auth-client.ts';

type TokenAnswer = { access_token: string; token_type: string; expires_in: number; scope: string };
type ErrorAnswer = { error: string; error_description?: string };

const FORM = 'application/x-www-form-urlencoded';

function basic({ clientId, clientSecret }: TestClient): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

/** POSTs to the token endpoint over real HTTP. */
function tokenRequest(
  service: TestAuthService,
  body: BodyInit | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${service.url}/api/auth/oauth2/token`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Asserts an RFC 6749 §5.2 error answer and returns its code. */
async function errorCode(answer: Response, status: number): Promise<string> {
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as ErrorAnswer;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  return body.error;
}

describe.each(databaseTargets)('client-credentials grant, JWKS mode, on %s', (target) => {
  let service: TestAuthService;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let worker: TestClient;

  beforeAll(async () => {
    service = await startOn(target, { JWT_AUDIENCE: 'tessera,tasks' });
    jwks = createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`));
    worker = await service.createClient({ scopes: ['tasks:read', 'tasks:write'] });
  });
  afterAll(() => service?.close());
  afterEach(() => vi.useRealTimers());

  async function verified(token: string, audience: string): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: service.config.issuer,
      audience,
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    return payload;
  }

  it('issues a token with the requested scope for a form body and HTTP Basic', async () => {
    const issuedAt = new Date('2026-11-21T12:00:00.000Z');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(issuedAt);

    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', scope: 'tasks:read' }), {
      'content-type': FORM,
      authorization: basic(worker),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    const body = (await answer.json()) as TokenAnswer;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'tasks:read',
    });

    const payload = await verified(body.access_token, 'tessera');
    expect(payload).toMatchObject({
      sub: `client:${worker.clientId}`,
      client_id: worker.clientId,
      scope: 'tasks:read',
      iss: service.url,
    });
    expect(payload).not.toHaveProperty('user_id');
    expect(payload.iat).toBe(issuedAt.getTime() / 1000);
    expect(payload.exp).toBe(issuedAt.getTime() / 1000 + 300);
  });

  it('grants every allowed scope for a JSON body with credentials in the body', async () => {
    const answer = await tokenRequest(
      service,
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: worker.clientId,
        client_secret: worker.clientSecret,
      }),
      { 'content-type': 'application/json' },
    );
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as TokenAnswer;
    expect(body.scope).toBe('tasks:read tasks:write');
    const payload = await verified(body.access_token, 'tessera');
    expect(payload.scope).toBe('tasks:read tasks:write');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
  });

  it('sets aud to the requested resource when it is allowed, and refuses others with invalid_target', async () => {
    const headers = { 'content-type': FORM, authorization: basic(worker) };
    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', resource: 'tasks' }), headers);
    expect(answer.status).toBe(200);
    expect((await verified(((await answer.json()) as TokenAnswer).access_token, 'tasks')).aud).toBe('tasks');

    const refused = await tokenRequest(
      service,
      form({ grant_type: 'client_credentials', audience: 'billing' }),
      headers,
    );
    expect(await errorCode(refused, 400)).toBe('invalid_target');
  });

  it('limits a client with its own audiences to them, and uses them by default', async () => {
    const billing = await service.createClient({ scopes: ['invoices:read'], audiences: ['billing'] });
    const headers = { 'content-type': FORM, authorization: basic(billing) };
    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials' }), headers);
    expect(answer.status).toBe(200);
    expect((await verified(((await answer.json()) as TokenAnswer).access_token, 'billing')).aud).toBe('billing');
    expect(
      await errorCode(
        await tokenRequest(service, form({ grant_type: 'client_credentials', resource: 'tessera' }), headers),
        400,
      ),
    ).toBe('invalid_target');
  });

  it('refuses a wrong secret and an unknown client alike: 401 invalid_client with WWW-Authenticate', async () => {
    const body = form({ grant_type: 'client_credentials' });
    const wrongSecret = await tokenRequest(service, body, {
      'content-type': FORM,
      authorization: basic({ ...worker, clientSecret: 'wrong' }),
    });
    const unknown = await tokenRequest(service, body, {
      'content-type': FORM,
      authorization: basic({ clientId: randomBytes(16).toString('hex'), clientSecret: worker.clientSecret }),
    });
    for (const answer of [wrongSecret, unknown]) {
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="tessera", charset="UTF-8"');
    }
    const [wrongText, unknownText] = [await wrongSecret.clone().text(), await unknown.clone().text()];
    expect(await errorCode(wrongSecret, 401)).toBe('invalid_client');
    expect(await errorCode(unknown, 401)).toBe('invalid_client');
    expect(wrongText).toBe(unknownText);
  });

  it('refuses body credentials with a wrong secret with 401 invalid_client', async () => {
    const answer = await tokenRequest(
      service,
      form({ grant_type: 'client_credentials', client_id: worker.clientId, client_secret: 'nope' }),
      {
        'content-type': FORM,
      },
    );
    expect(await errorCode(answer, 401)).toBe('invalid_client');
  });

  it('refuses a scope the client does not have with 400 invalid_scope', async () => {
    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', scope: 'tasks:read admin' }), {
      'content-type': FORM,
      authorization: basic(worker),
    });
    expect(await errorCode(answer, 400)).toBe('invalid_scope');
  });

  it('refuses a revoked client with 401 invalid_client', async () => {
    const revoked = await service.createClient({ scopes: ['tasks:read'] });
    await createOAuthClientStore(service.service.database.db).revoke(revoked.clientId);
    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials' }), {
      'content-type': FORM,
      authorization: basic(revoked),
    });
    expect(await errorCode(answer, 401)).toBe('invalid_client');
  });

  it('is described in /openapi.json', async () => {
    const document = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.paths['/api/auth/oauth2/token']).toHaveProperty('post');
  });

  describe('answers bad input with an RFC 6749 error, never a 500', () => {
    const cases: [string, () => { body?: BodyInit; headers: Record<string, string> }, number, string][] = [
      [
        'a wrong grant_type',
        () => ({
          body: form({ grant_type: 'password' }),
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'unsupported_grant_type',
      ],
      [
        'a missing grant_type',
        () => ({
          body: form({ scope: 'tasks:read' }),
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
      ['no body at all', () => ({ headers: { authorization: basic(worker) } }), 400, 'invalid_request'],
      [
        'no client authentication',
        () => ({ body: form({ grant_type: 'client_credentials' }), headers: { 'content-type': FORM } }),
        401,
        'invalid_client',
      ],
      [
        'a malformed Basic header',
        () => ({
          body: form({ grant_type: 'client_credentials' }),
          headers: { 'content-type': FORM, authorization: 'Basic ###' },
        }),
        400,
        'invalid_request',
      ],
      [
        'Basic without a colon',
        () => ({
          body: form({ grant_type: 'client_credentials' }),
          headers: { 'content-type': FORM, authorization: `Basic ${btoa('abc')}` },
        }),
        400,
        'invalid_request',
      ],
      [
        'a Bearer header',
        () => ({
          body: form({ grant_type: 'client_credentials' }),
          headers: { 'content-type': FORM, authorization: 'Bearer abc' },
        }),
        401,
        'invalid_client',
      ],
      [
        'Basic and body credentials together',
        () => ({
          body: form({
            grant_type: 'client_credentials',
            client_id: worker.clientId,
            client_secret: worker.clientSecret,
          }),
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
      [
        'a repeated parameter',
        () => ({
          body: 'grant_type=client_credentials&scope=tasks:read&scope=tasks:write',
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
      [
        'garbage JSON',
        () => ({
          body: '{"grant_type": "client_cred',
          headers: { 'content-type': 'application/json', authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
      [
        'a JSON array',
        () => ({ body: '[1,2]', headers: { 'content-type': 'application/json', authorization: basic(worker) } }),
        400,
        'invalid_request',
      ],
      [
        'a wrong content type',
        () => ({
          body: 'grant_type=client_credentials',
          headers: { 'content-type': 'text/plain', authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
      [
        'invalid UTF-8 in the body',
        () => ({
          body: Buffer.concat([Buffer.from('grant_type=client_credentials&scope='), Buffer.from([0xff, 0xfe])]),
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'invalid_scope',
      ],
      [
        'a 10 kB scope',
        () => ({
          body: form({ grant_type: 'client_credentials', scope: 'a'.repeat(10_000) }),
          headers: { 'content-type': FORM, authorization: basic(worker) },
        }),
        400,
        'invalid_request',
      ],
    ];

    it.each(cases)('%s', async (_, request, status, code) => {
      const { body, headers } = request();
      expect(await errorCode(await tokenRequest(service, body, headers), status)).toBe(code);
    });

    it('a body over the endpoint limit (16 KiB) with invalid_request', async () => {
      const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', pad: 'x'.repeat(20_000) }), {
        'content-type': FORM,
        authorization: basic(worker),
      });
      expect(await errorCode(answer, 400)).toBe('invalid_request');
    });

    it("a body over the service limit (64 KiB) with the server's 413 problem, before the endpoint reads it", async () => {
      const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', pad: 'x'.repeat(200_000) }), {
        'content-type': FORM,
        authorization: basic(worker),
      });
      expect(answer.status).toBe(413);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { code: string }).code).toBe('payload_too_large');
    });

    it('GET on the token endpoint is not served: 404 problem', async () => {
      const answer = await fetch(`${service.url}/api/auth/oauth2/token?grant_type=client_credentials`, {
        headers: { authorization: basic(worker) },
      });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { code: string }).code).toBe('not_found');
    });
  });
});

describe('client-credentials grant, secret mode', () => {
  const jwtSecret = randomBytes(32).toString('base64url');
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', { JWT_MODE: 'secret', JWT_SECRET: jwtSecret });
  });
  afterAll(() => service?.close());

  it('signs the service token HS256 with JWT_SECRET', async () => {
    const client = await service.createClient({ scopes: ['tasks:read'] });
    const answer = await tokenRequest(service, form({ grant_type: 'client_credentials', scope: 'tasks:read' }), {
      'content-type': FORM,
      authorization: basic(client),
    });
    expect(answer.status).toBe(200);
    const { access_token: token } = (await answer.json()) as TokenAnswer;
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(jwtSecret), {
      issuer: service.config.issuer,
      audience: 'tessera',
      algorithms: ['HS256'],
    });
    expect(payload).toMatchObject({
      sub: `client:${client.clientId}`,
      client_id: client.clientId,
      scope: 'tasks:read',
    });
    expect(payload).not.toHaveProperty('user_id');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
    await expect(jwtVerify(token, new TextEncoder().encode(randomBytes(32).toString('base64url')))).rejects.toThrow();
  });
});
