import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask } from './support/fixtures.ts';
import { serviceToken, startTasksStack, type TasksStack } from './support/tasks-stack.ts';

describe('JWT_MODE=secret (HS256 shared secret)', () => {
  const secret = randomBytes(32).toString('base64url');
  let stack: TasksStack;

  beforeAll(async () => {
    stack = await startTasksStack({ env: { JWT_MODE: 'secret', JWT_SECRET: secret } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("accepts the auth service's HS256 user tokens", async () => {
    const user = await stack.auth.signUp();
    expect(JSON.parse(Buffer.from(user.jwt.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    const task = await createTask(stack, user.jwt, { title: 'signed with the shared secret' });
    expect(task.userId).toBe(user.userId);
  });

  it('accepts HS256 service tokens on the path form', async () => {
    const user = await stack.auth.signUp();
    const reader = await serviceToken(stack.auth, ['tasks:read']);
    expect((await stack.call(`/v1/users/${user.userId}/tasks`, { token: reader.token })).status).toBe(200);
  });

  it('refuses a token signed with another secret, even with the right claims', async () => {
    const forged = await new SignJWT({ user_id: 'someone' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('someone')
      .setIssuer(stack.auth.url)
      .setAudience('tessera')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(randomBytes(32));
    const response = await stack.call('/v1/tasks', { token: forged });
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('invalid_token');
  });

  it('reports ready with the secret as its keys', async () => {
    expect(await (await stack.call('/readyz')).json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', keys: 'ok' },
    });
  });
});
