import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFetch, type TestAuthService } from '../src/testing.ts';
import { databaseTargets, postJson, signIn, startOn } from './support/auth-client.ts';

/**
 * A native app: no cookie jar, no Origin, no Sec-Fetch-* headers (`nativeFetch`, like an iOS/Android HTTP
 * client). It keeps the signed session token from `set-auth-token` and trades it for JWTs.
 */
describe.each(databaseTargets)('mobile flow without cookies on %s', (target) => {
  let service: TestAuthService;
  let user: { email: string; password: string; userId: string };

  beforeAll(async () => {
    service = await startOn(target);
    user = await service.signUp();
  });
  afterAll(() => service?.close());

  async function tokenWith(authorization: string): Promise<Response> {
    return nativeFetch(`${service.url}/api/auth/token`, { headers: { authorization } });
  }

  it('signs in, reads set-auth-token and exchanges it for a JWT with Authorization: Bearer', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    expect(signedIn.status).toBe(200);
    const sessionToken = signedIn.headers.get('set-auth-token');
    expect(sessionToken).toMatch(/^[A-Za-z0-9]+\.[A-Za-z0-9_\-+/=%]+$/);

    const answer = await tokenWith(`Bearer ${sessionToken}`);
    expect(answer.status).toBe(200);
    const { token } = (await answer.json()) as { token: string };
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`)), {
      issuer: service.url,
      audience: 'tessera',
    });
    expect(payload.sub).toBe(user.userId);
    expect(payload.user_id).toBe(user.userId);
  });

  it('also answers get-session for the bearer token, with a fresh JWT in set-auth-jwt', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const answer = await nativeFetch(`${service.url}/api/auth/get-session`, {
      headers: { authorization: `Bearer ${signedIn.headers.get('set-auth-token')}` },
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { user: { id: string } }).user.id).toBe(user.userId);
    expect(answer.headers.get('set-auth-jwt')).toMatch(/^ey/);
  });

  it('refuses an unsigned session token (the bare id from the sign-in body)', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const { token: bareToken } = (await signedIn.json()) as { token: string };
    const answer = await tokenWith(`Bearer ${bareToken}`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a session token with a forged signature', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const [id] = (signedIn.headers.get('set-auth-token') ?? '').split('.');
    const forged = `${id}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    expect((await tokenWith(`Bearer ${forged}`)).status).toBe(401);
    expect((await tokenWith(`Bearer ${encodeURIComponent(forged)}`)).status).toBe(401);
  });

  it('refuses a made-up token and a non-Bearer scheme', async () => {
    expect((await tokenWith('Bearer abc.def')).status).toBe(401);
    const signedIn = await signIn(service, user.email, user.password);
    expect((await tokenWith(`Basic ${signedIn.headers.get('set-auth-token')}`)).status).toBe(401);
  });

  it('signs out with the bearer token alone, after which no JWT is issued', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const sessionToken = signedIn.headers.get('set-auth-token') ?? '';
    const signedOut = await postJson(
      `${service.url}/api/auth/sign-out`,
      {},
      { authorization: `Bearer ${sessionToken}` },
    );
    expect(signedOut.status).toBe(200);
    expect((await tokenWith(`Bearer ${sessionToken}`)).status).toBe(401);
  });

  it('refuses a sign-in that carries an untrusted Origin, even without cookies', async () => {
    const answer = await signIn(service, user.email, user.password, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_origin');
  });

  it("treats Node's built-in fetch as a browser (it sends Sec-Fetch-Mode): sign-in then needs a trusted Origin", async () => {
    const body = JSON.stringify({ email: user.email, password: user.password });
    const headers = { 'content-type': 'application/json' };
    const withoutOrigin = await fetch(`${service.url}/api/auth/sign-in/email`, { method: 'POST', headers, body });
    expect(withoutOrigin.status).toBe(403);
    expect(((await withoutOrigin.json()) as { code: string }).code).toBe('missing_or_null_origin');

    // The service's own URL is always a trusted origin.
    const withOrigin = await fetch(`${service.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { ...headers, origin: service.url },
      body,
    });
    expect(withOrigin.status).toBe(200);
    expect(withOrigin.headers.get('set-auth-token')).toEqual(expect.any(String));
  });
});
