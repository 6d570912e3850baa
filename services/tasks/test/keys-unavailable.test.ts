import { startTestAuthService, type TestAuthService } from '@tessera/auth/testing';
import { capturingLogger, unusedPort } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksService, type TasksService } from '../src/app.ts';
import { loadTasksConfig } from '../src/config.ts';

describe('verification keys unavailable', () => {
  let auth: TestAuthService;
  let tasks: TasksService;
  let jwt: string;
  let jwksUrl: string;
  const capture = capturingLogger();

  beforeAll(async () => {
    auth = await startTestAuthService();
    ({ jwt } = await auth.signUp());
    // The tokens are the real auth service's, but the JWKS URL points where nothing answers.
    const config = loadTasksConfig({
      NODE_ENV: 'test',
      TASKS_DATABASE_URL: 'memory://',
      AUTH_URL: `http://127.0.0.1:${await unusedPort()}`,
      AUTH_ISSUER: auth.url,
    });
    jwksUrl = config.verification.mode === 'jwks' ? config.verification.jwksUrl : '';
    tasks = await createTasksService(config, { logger: capture.logger });
  });

  afterAll(async () => {
    await tasks?.close();
    await auth?.close();
  });

  it('answers 503 keys_unavailable with Retry-After, not 401: the token may well be good', async () => {
    const response = await tasks.app.request('/v1/tasks', { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await response.json()).code).toBe('keys_unavailable');
  });

  it('reports not ready, naming the keys', async () => {
    const response = await tasks.app.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { database: 'ok', keys: 'failed' } });
  });

  it('logs the JWKS URL it could not fetch, the cause, and the variable that sets it', async () => {
    await tasks.app.request('/readyz');
    const warning = capture.lines().find((line) => line.jwksUrl === jwksUrl);
    expect(warning).toMatchObject({ level: 40, setBy: 'AUTH_URL', cause: expect.stringContaining('ECONNREFUSED') });
    expect(warning?.msg).toContain(`cannot fetch the JWKS from ${jwksUrl}: connect ECONNREFUSED`);
    expect(warning?.msg).toContain('AUTH_URL');
  });
});
