import { capturingLogger } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestAuthService, TestUser } from '../src/testing.ts';
import { databaseTargets, postJson, startOn } from './support/auth-client.ts';

describe.each(databaseTargets)('a failed query on %s', (target) => {
  let service: TestAuthService;
  let user: TestUser;
  const capture = capturingLogger();

  beforeAll(async () => {
    service = await startOn(target, {}, { logger: capture.logger });
    user = await service.signUp();
  });
  afterAll(() => service?.close());

  it('answers 500 problem+json and logs the error without the values the statement was sent with', async () => {
    const printed: unknown[] = [];
    const consoleError = vi
      .spyOn(console, 'error')
      .mockImplementation((...args: unknown[]) => void printed.push(...args));
    try {
      // Every query now fails; the user lookup of a sign-in is sent with the email address as its parameter.
      await service.service.database.close();
      const answer = await postJson(`${service.url}/api/auth/sign-in/email`, {
        email: user.email,
        password: user.password,
      });
      expect(answer.status).toBe(500);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(((await answer.json()) as { code: string }).code).toBe('internal_error');
    } finally {
      consoleError.mockRestore();
    }
    const logged = capture.text();
    expect(logged).toContain('"level":50');
    expect(logged).toMatch(/Failed query: select/);
    expect(logged).not.toContain(user.email);
    // Nothing went around the service's logger.
    expect(printed).toEqual([]);
  });
});
