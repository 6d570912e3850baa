import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { postJson, sessionCookieOf, signIn, startOn } from './support/auth-client.ts';

const trusted = 'https://app.example.test';
const untrusted = 'https://evil.example.test';

describe('CORS and origin checks', () => {
  let service: TestAuthService;
  let user: { email: string; password: string };

  beforeAll(async () => {
    service = await startOn('memory://', { TRUSTED_ORIGINS: `${trusted}, http://localhost:5173` });
    user = await service.signUp();
  });
  afterAll(() => service?.close());

  function preflight(origin: string): Promise<Response> {
    return fetch(`${service.url}/api/auth/sign-in/email`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  }

  it('lets a trusted origin send credentials and read set-auth-token / set-auth-jwt', async () => {
    const answer = await preflight(trusted);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(trusted);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');

    const signedIn = await signIn(service, user.email, user.password, { origin: trusted });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('access-control-allow-origin')).toBe(trusted);
    expect(signedIn.headers.get('access-control-allow-credentials')).toBe('true');
    const exposed = signedIn.headers
      .get('access-control-expose-headers')
      ?.split(',')
      .map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(['set-auth-token', 'set-auth-jwt']));

    const session = await fetch(`${service.url}/api/auth/get-session`, {
      headers: { origin: trusted, cookie: sessionCookieOf(signedIn) },
    });
    expect(session.status).toBe(200);
    expect(session.headers.get('set-auth-jwt')).toMatch(/^ey/);
    expect(session.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('set-auth-jwt');
  });

  it('gives an untrusted origin no Access-Control-Allow-Origin, on preflight or otherwise', async () => {
    const answer = await preflight(untrusted);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const jwks = await fetch(`${service.url}/api/auth/jwks`, { headers: { origin: untrusted } });
    expect(jwks.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('has Better Auth refuse a state-changing request from an untrusted origin that carries the session cookie', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const cookie = sessionCookieOf(signedIn);
    const refused = await postJson(`${service.url}/api/auth/sign-out`, {}, { origin: untrusted, cookie });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('invalid_origin');

    // The session survived the refused sign-out.
    const session = await fetch(`${service.url}/api/auth/token`, { headers: { cookie } });
    expect(session.status).toBe(200);
  });

  it('refuses a cookie-carrying POST with no Origin at all', async () => {
    const signedIn = await signIn(service, user.email, user.password);
    const refused = await postJson(`${service.url}/api/auth/sign-out`, {}, { cookie: sessionCookieOf(signedIn) });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('missing_or_null_origin');
  });

  it('refuses an untrusted origin on sign-in even before any session exists', async () => {
    const refused = await signIn(service, user.email, user.password, { origin: untrusted });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
