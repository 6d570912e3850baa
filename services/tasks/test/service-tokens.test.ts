import { testDatabaseTargets } from '@tessera/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task, TaskPage } from '../src/tasks/task.ts';
import { createTask } from './support/fixtures.ts';
import { serviceToken, startTasksStack, type TasksStack } from './support/tasks-stack.ts';

describe.each(testDatabaseTargets())('service tokens on %s', (target) => {
  let stack: TasksStack;
  let user: { userId: string; jwt: string };
  let own: Task;
  let reader: { clientId: string; token: string };
  let writer: { clientId: string; token: string };
  let unrelated: { clientId: string; token: string };

  beforeAll(async () => {
    stack = await startTasksStack({ target });
    user = await stack.auth.signUp();
    own = await createTask(stack, user.jwt, { title: 'the user wrote this' });
    [reader, writer, unrelated] = await Promise.all([
      serviceToken(stack.auth, ['tasks:read']),
      serviceToken(stack.auth, ['tasks:write']),
      serviceToken(stack.auth, ['reports:read']),
    ]);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const userTasks = () => `/v1/users/${user.userId}/tasks`;

  it("lists any user's tasks with tasks:read", async () => {
    const response = await stack.call(userTasks(), { token: reader.token });
    expect(response.status).toBe(200);
    expect(((await response.json()) as TaskPage).items.map((task) => task.id)).toContain(own.id);
  });

  it.each([
    ['blank', '%20%20'],
    ['containing U+0000', 'user%00id'],
  ])('refuses a userId that is %s with 400, not a 500', async (_, userId) => {
    const response = await stack.call(`/v1/users/${userId}/tasks`, { token: reader.token });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('validation_failed');
  });

  it('lists with tasks:write too: writing implies reading', async () => {
    expect((await stack.call(userTasks(), { token: writer.token })).status).toBe(200);
  });

  it('creates a task owned by the named user with tasks:write', async () => {
    const created = await createTask(stack, writer.token, { title: 'from the billing service' }, userTasks());
    expect(created.userId).toBe(user.userId);
    const listed = (await (await stack.call('/v1/tasks', { token: user.jwt })).json()) as TaskPage;
    expect(listed.items.map((task) => task.id)).toContain(created.id);
  });

  it('refuses a create with only tasks:read: 403 insufficient_scope with an RFC 6750 challenge naming tasks:write', async () => {
    const response = await stack.call(userTasks(), { method: 'POST', token: reader.token, body: { title: 'nope' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="insufficient_scope"/);
    expect(response.headers.get('www-authenticate')).toContain('scope="tasks:write"');
    expect((await response.json()).code).toBe('insufficient_scope');
  });

  // The auth service registers no client without a scope, so a client with only another scope is the case.
  it('refuses reads and writes without any tasks scope', async () => {
    const { token } = unrelated;
    const read = await stack.call(userTasks(), { token });
    const write = await stack.call(userTasks(), { method: 'POST', token, body: { title: 'nope' } });
    expect([read.status, write.status]).toEqual([403, 403]);
    expect(read.headers.get('www-authenticate')).toContain('scope="tasks:read"');
    expect(write.headers.get('www-authenticate')).toContain('scope="tasks:write"');
    expect([(await read.json()).code, (await write.json()).code]).toEqual(['insufficient_scope', 'insufficient_scope']);
  });

  it.each([
    ['GET', '/v1/tasks'],
    ['POST', '/v1/tasks'],
    ['GET', '/v1/tasks/{id}'],
    ['PATCH', '/v1/tasks/{id}'],
    ['DELETE', '/v1/tasks/{id}'],
    ['GET', '/v1/users/me/tasks'],
  ])('answers 403 user_subject_required to %s %s, which has no subject for a service', async (method, template) => {
    const path = template.replace('{id}', own.id);
    const body = method === 'POST' || method === 'PATCH' ? { title: 'x' } : undefined;
    const response = await stack.call(path, { method, token: writer.token, ...(body ? { body } : {}) });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('user_subject_required');
  });

  it('logs each service access with the client id, the user and the route, and never the token', async () => {
    const before = stack.logs.length;
    await stack.call(userTasks(), { token: reader.token });
    const entry = stack.logs.slice(before).find((line) => line.event === 'service_access');
    expect(entry).toMatchObject({
      clientId: reader.clientId,
      userId: user.userId,
      access: 'read',
      method: 'GET',
      route: '/v1/users/:userId/tasks',
    });
    const beforeWrite = stack.logs.length;
    await createTask(stack, writer.token, { title: 'logged write' }, userTasks());
    const written = stack.logs.slice(beforeWrite).find((line) => line.event === 'service_access');
    expect(written).toMatchObject({
      clientId: writer.clientId,
      userId: user.userId,
      access: 'write',
      method: 'POST',
      route: '/v1/users/:userId/tasks',
    });
    const everything = JSON.stringify(stack.logs);
    for (const token of [reader.token, writer.token, unrelated.token, user.jwt])
      expect(everything).not.toContain(token);
  });

  it('logs a refused service access too, with the client id', async () => {
    const before = stack.logs.length;
    await stack.call(userTasks(), { token: unrelated.token });
    const entry = stack.logs.slice(before).find((line) => line.event === 'service_access_denied');
    expect(entry).toMatchObject({ clientId: unrelated.clientId, userId: user.userId, access: 'read', level: 40 });
  });

  it("leaves the user's own tasks untouched by refused service calls", async () => {
    const listed = (await (await stack.call('/v1/tasks', { token: user.jwt })).json()) as TaskPage;
    expect(listed.items.map((task) => task.title).sort()).toEqual([
      'from the billing service',
      'logged write',
      'the user wrote this',
    ]);
  });
});
