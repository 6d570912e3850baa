import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { databaseTargets, postJson, signIn, startOn, uniqueEmail } from './support/auth-client.ts';

type Problem = { status: number; code: string; detail: string };

describe.each(databaseTargets)('commonly breached passwords on %s', (target) => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn(target);
  });
  afterAll(() => service?.close());

  it.each(['12345678', 'password', 'Password1', 'iloveyou'])(
    'refuses %s at sign-up with 400 password_compromised',
    async (password) => {
      const email = uniqueEmail();
      const answer = await postJson(`${service.url}/api/auth/sign-up/email`, { email, password, name: 'Eve' });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await answer.json()) as Problem;
      expect(problem.code).toBe('password_compromised');
      expect(problem.detail).toMatch(/choose a different password/);
      // Nothing was created: the same email signs up with a good password afterwards.
      expect(
        (
          await postJson(`${service.url}/api/auth/sign-up/email`, {
            email,
            password: 'a-far-less-common-one',
            name: 'Eve',
          })
        ).status,
      ).toBe(200);
    },
  );

  it('refuses a common new password at change-password, and keeps the old one', async () => {
    const user = await service.signUp();
    const answer = await postJson(
      `${service.url}/api/auth/change-password`,
      { currentPassword: user.password, newPassword: 'qwertyuiop' },
      { authorization: `Bearer ${user.sessionToken}` },
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Problem).code).toBe('password_compromised');
    expect((await signIn(service, user.email, user.password)).status).toBe(200);
    expect((await signIn(service, user.email, 'qwertyuiop')).status).toBe(401);
  });

  it('refuses a common new password at reset-password before looking at the token', async () => {
    const answer = await postJson(`${service.url}/api/auth/reset-password`, {
      newPassword: 'football',
      token: 'no-such-token',
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Problem).code).toBe('password_compromised');
  });

  it('accepts a password that is not on the list', async () => {
    const answer = await postJson(`${service.url}/api/auth/sign-up/email`, {
      email: uniqueEmail(),
      password: 'correct-horse-battery',
      name: 'Ada',
    });
    expect(answer.status).toBe(200);
  });
});
