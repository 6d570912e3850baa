import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  audience,
  generateTestKey,
  issuer,
  nowSeconds,
  signToken,
  startJwksServer,
  userClaims,
} from '../../../test/support.ts';
import type { Principal } from '../../principal.ts';
import { createVerifier } from '../../verifier.ts';
import type { GuardOutcome, GuardVariables } from './index.ts';
import { bearerAuth } from './index.ts';

const key = generateTestKey('EdDSA');
const verifier = createVerifier({ issuer, audience, algorithms: ['EdDSA'], keys: [key.jwk] });

function appWith(outcomes: GuardOutcome['code'][] = [], guard = verifier) {
  const app = new Hono<{ Variables: GuardVariables }>();
  app.use('*', bearerAuth({ verifier: guard, onOutcome: (outcome) => outcomes.push(outcome.code) }));
  app.get('/me', (c) => {
    const principal: Principal = c.var.principal;
    return c.json({ subject: principal.subject, kind: principal.kind });
  });
  return app;
}

function get(app: Hono<{ Variables: GuardVariables }>, authorization?: string, path = '/me') {
  return app.request(path, authorization === undefined ? {} : { headers: { Authorization: authorization } });
}

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status: response.status,
      detail: expect.any(String),
    }),
  );
  return body;
}

describe('bearerAuth', () => {
  it('admits a valid token and sets a typed c.var.principal', async () => {
    const response = await get(appWith(), `Bearer ${signToken(key)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'user-1', kind: 'user' });
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])('reads the scheme case-insensitively (%s)', async (scheme) => {
    expect((await get(appWith(), `${scheme} ${signToken(key)}`)).status).toBe(200);
  });

  it('accepts several spaces after the scheme (1*SP, RFC 6750 §2.1)', async () => {
    expect((await get(appWith(), `Bearer  ${signToken(key)}`)).status).toBe(200);
  });

  it('answers a missing token with 401 and a bare challenge', async () => {
    const response = await get(appWith());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    expect(await problem(response)).toMatchObject({ code: 'token_missing', reason: 'token_missing' });
  });

  it('answers another scheme (Basic) with 401 and a bare challenge', async () => {
    const response = await get(appWith(), 'Basic dXNlcjpwYXNz');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
  });

  it('never reads a token from the query string or a cookie', async () => {
    const token = signToken(key);
    const app = appWith();
    expect((await get(app, undefined, `/me?access_token=${token}`)).status).toBe(401);
    const withCookie = await app.request('/me', { headers: { Cookie: `access_token=${token}; token=${token}` } });
    expect(withCookie.status).toBe(401);
    expect(withCookie.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
  });

  it.each([
    ['Bearer with nothing', 'Bearer'],
    ['two tokens', `Bearer ${signToken(key)} extra`],
    ['a tab for the space', `Bearer\t${signToken(key)}`],
    ['a quote', 'Bearer abc"def'],
    ['a comma (two headers joined)', `Bearer ${signToken(key)}, Bearer ${signToken(key)}`],
    ['characters outside token68', 'Bearer abc$def'],
  ])('answers a malformed header (%s) with 400 invalid_request', async (_what, header) => {
    const response = await get(appWith(), header);
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="tessera", error="invalid_request", error_description="The Authorization header is not \\"Bearer <token>\\""',
    );
    expect(await problem(response)).toMatchObject({ code: 'invalid_request', reason: 'header_malformed' });
  });

  it('answers a bad token with 401 invalid_token and the precise reason, never echoing the token', async () => {
    const token = signToken(key, userClaims({ exp: nowSeconds() - 600, secret_marker: 'do-not-echo' }));
    const response = await get(appWith(), `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="tessera", error="invalid_token", error_description="The token has expired"',
    );
    const body = await problem(response);
    expect(body).toMatchObject({ code: 'invalid_token', reason: 'token_expired', status: 401 });
    const text = JSON.stringify(body);
    expect(text).not.toContain(token.slice(0, 20));
    expect(text).not.toContain('do-not-echo');
  });

  it.each([
    ['a forged signature', () => signToken(generateTestKey('EdDSA', key.kid)), 'signature_invalid'],
    ['garbage', () => 'abc.def', 'token_malformed'],
    ['an oversized token', () => 'a'.repeat(9000), 'token_too_large'],
  ])('answers %s with 401 invalid_token', async (_what, makeToken, reason) => {
    const response = await get(appWith(), `Bearer ${makeToken()}`);
    expect(response.status).toBe(401);
    expect(await problem(response)).toMatchObject({ code: 'invalid_token', reason });
  });

  it('answers 503 keys_unavailable with Retry-After when no keys could ever be loaded, never 401 or 500', async () => {
    const server = await startJwksServer();
    server.mode = 'error500';
    const jwksVerifier = createVerifier({ issuer, audience, algorithms: ['EdDSA'], jwks: { url: server.url } });
    try {
      const response = await get(appWith([], jwksVerifier), `Bearer ${signToken(key)}`);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(await problem(response)).toMatchObject({ code: 'keys_unavailable', reason: 'keys_unavailable' });
    } finally {
      jwksVerifier.close();
      await server.close();
    }
  });

  it('reports every outcome by code to the hook', async () => {
    const outcomes: GuardOutcome['code'][] = [];
    const app = appWith(outcomes);
    await get(app, `Bearer ${signToken(key)}`);
    await get(app);
    await get(app, 'Bearer');
    await get(app, `Bearer ${signToken(key, userClaims({ aud: 'other' }))}`);
    expect(outcomes).toEqual(['ok', 'token_missing', 'header_malformed', 'audience_mismatch']);
  });

  it('survives a hook that throws', async () => {
    const app = new Hono<{ Variables: GuardVariables }>();
    app.use(
      '*',
      bearerAuth({
        verifier,
        onOutcome: () => {
          throw new Error('metrics down');
        },
      }),
    );
    app.get('/me', (c) => c.text(c.var.principal.subject));
    expect((await get(app, `Bearer ${signToken(key)}`)).status).toBe(200);
    expect((await get(app)).status).toBe(401);
  });

  it('fails at start without a verifier', () => {
    expect(() => bearerAuth({} as never)).toThrow(expect.objectContaining({ code: 'guard_config_invalid' }));
  });
});
