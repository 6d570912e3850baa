import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFetch, type TestAuthService, type TestUser } from '../src/testing.ts';
import { startOn } from './support/auth-client.ts';

type Spec = { paths: Record<string, Record<string, unknown>> };

describe('the auth service API description', () => {
  let service: TestAuthService;
  let user: TestUser;
  let spec: Spec;

  beforeAll(async () => {
    service = await startOn('memory://');
    user = await service.signUp();
    spec = (await (await nativeFetch(`${service.url}/openapi.json`)).json()) as Spec;
  });
  afterAll(() => service?.close());

  it('leaves out the routes this configuration does not serve', () => {
    const absent = [
      '/api/auth/sign-in/social',
      '/api/auth/callback/{id}',
      '/api/auth/link-social',
      '/api/auth/request-password-reset',
      '/api/auth/reset-password',
      '/api/auth/reset-password/{token}',
      '/api/auth/verify-email',
      '/api/auth/send-verification-email',
      '/api/auth/change-email',
      '/api/auth/delete-user',
    ];
    for (const path of absent) expect(Object.keys(spec.paths)).not.toContain(path);
    expect(spec.paths['/api/auth/get-session']).not.toHaveProperty('post');
    for (const path of [
      '/api/auth/sign-up/email',
      '/api/auth/sign-in/email',
      '/api/auth/token',
      '/api/auth/jwks',
      '/api/auth/oauth2/token',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
  });

  it('lists only operations that answer: none is a 404 or a 405, even for a signed-in caller', async () => {
    const answers: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const method of Object.keys(operations)) {
        const url = `${service.url}${path.replace(/\{[^}]+\}/g, 'x')}`;
        const init =
          method === 'get'
            ? {}
            : { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: '{}' };
        const answer = await nativeFetch(url, {
          ...init,
          headers: { ...(init.headers ?? {}), authorization: `Bearer ${user.sessionToken}` },
        });
        answers.push(`${method.toUpperCase()} ${path} ${answer.status}`);
      }
    }
    expect(answers.filter((answer) => / 40[45]$/.test(answer))).toEqual([]);
  });
});
