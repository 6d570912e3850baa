import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFetch, type TestAuthService } from '../src/testing.ts';
import { databaseTargets, postJson, startOn } from './support/auth-client.ts';

describe.each(databaseTargets)('response headers of the auth service on %s', (target) => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn(target);
  });
  afterAll(() => service?.close());

  it('sends the JWT from GET /api/auth/token with Cache-Control: no-store', async () => {
    const user = await service.signUp();
    const answer = await nativeFetch(`${service.url}/api/auth/token`, {
      headers: { authorization: `Bearer ${user.sessionToken}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('pragma')).toBe('no-cache');
  });

  it('sends X-Content-Type-Options: nosniff on Better Auth answers, its errors and the service routes', async () => {
    const answers = [
      await nativeFetch(`${service.url}/api/auth/jwks`),
      await nativeFetch(`${service.url}/api/auth/token`),
      await postJson(`${service.url}/api/auth/sign-in/email`, {
        email: 'nobody@example.test',
        password: 'not-the-password',
      }),
      await nativeFetch(`${service.url}/openapi.json`),
      await nativeFetch(`${service.url}/healthz`),
      await nativeFetch(`${service.url}/no-such-route`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 401, 200, 200, 404]);
    for (const answer of answers) expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
