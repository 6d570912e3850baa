import { capturingLogger } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { databaseTargets, postJson, startOn, uniqueEmail } from './support/auth-client.ts';

type Problem = { status: number; code: string; detail: string };

describe.each(databaseTargets)('a NUL character in profile fields on %s', (target) => {
  let service: TestAuthService;
  const capture = capturingLogger();

  beforeAll(async () => {
    service = await startOn(target, {}, { logger: capture.logger });
  });
  afterAll(() => service?.close());

  it.each(['name', 'image'])('answers update-user with a NUL in %s with 400 naming the field', async (field) => {
    const user = await service.signUp();
    const answer = await postJson(
      `${service.url}/api/auth/update-user`,
      { [field]: 'SECRET-VALUE\u0000x' },
      { authorization: `Bearer ${user.sessionToken}` },
    );
    expect(answer.status).toBe(400);
    const problem = (await answer.json()) as Problem;
    expect(problem.code).toBe(`invalid_${field}`);
    expect(problem.detail).toContain(field);
  });

  it.each(['name', 'image'])('answers sign-up with a NUL in %s with 400 naming the field', async (field) => {
    const answer = await postJson(`${service.url}/api/auth/sign-up/email`, {
      email: uniqueEmail(),
      password: 'correct-horse-battery',
      name: 'Nul',
      [field]: 'SECRET-VALUE\u0000x',
    });
    expect(answer.status).toBe(400);
    const problem = (await answer.json()) as Problem;
    expect(problem.code).toBe(`invalid_${field}`);
    expect(problem.detail).toContain(field);
  });

  it('logs none of the refused values', () => {
    expect(capture.text()).not.toContain('SECRET-VALUE');
  });
});
