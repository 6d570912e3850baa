import { testDatabaseTargets } from '@tessera/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/tasks/task.ts';
import { createTask } from './support/fixtures.ts';
import { startTasksStack, type TasksStack } from './support/tasks-stack.ts';

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
  errorsOmitted?: number;
};

describe.each(testDatabaseTargets())('validation and errors on %s', (target) => {
  let stack: TasksStack;
  let jwt: string;
  let task: Task;

  beforeAll(async () => {
    stack = await startTasksStack({ target });
    ({ jwt } = await stack.auth.signUp());
    task = await createTask(stack, jwt, { title: 'existing' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** Sends the request and checks it is a problem+json with this status and code; returns the problem. */
  async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status, code, type: 'about:blank' });
    expect(typeof problem.title).toBe('string');
    expect(typeof problem.detail).toBe('string');
    return problem;
  }

  /** A 400 `validation_failed` naming exactly these failing fields. */
  async function expectInvalid(response: Response, paths: string[]): Promise<void> {
    const problem = await expectProblem(response, 400, 'validation_failed');
    expect(problem.errors?.map((error) => error.path).sort()).toEqual([...paths].sort());
  }

  const post = (body: unknown) => stack.call('/v1/tasks', { method: 'POST', token: jwt, body });
  const patch = (body: unknown, id = task.id) => stack.call(`/v1/tasks/${id}`, { method: 'PATCH', token: jwt, body });

  describe('create', () => {
    it.each([
      ['a missing title', {}, ['title']],
      ['an empty title', { title: '' }, ['title']],
      ['a title of spaces only', { title: '    ' }, ['title']],
      ['a title of 201 characters', { title: 'x'.repeat(201) }, ['title']],
      ['a title that is not a string', { title: 42 }, ['title']],
      ['a description of 5001 characters', { title: 'ok', description: 'd'.repeat(5001) }, ['description']],
      ['an unknown status', { title: 'ok', status: 'blocked' }, ['status']],
      ['a dueAt that is not a date-time', { title: 'ok', dueAt: 'tomorrow' }, ['dueAt']],
      ['a dueAt without a time', { title: 'ok', dueAt: '2026-12-01' }, ['dueAt']],
      ['a dueAt without a time zone', { title: 'ok', dueAt: '2026-12-01T09:00:00' }, ['dueAt']],
      ['a title with U+0000', { title: 'a\u0000b' }, ['title']],
      ['a description with U+0000', { title: 'ok', description: 'x\u0000' }, ['description']],
      ['a title with a lone surrogate', { title: 'a\ud800' }, ['title']],
      ['a description with a lone surrogate', { title: 'ok', description: '\udc00x' }, ['description']],
      ['a dueAt in year 0', { title: 'ok', dueAt: '0000-01-01T00:00:00Z' }, ['dueAt']],
      ['a dueAt past year 9999 in UTC', { title: 'ok', dueAt: '9999-12-31T23:59:59-14:00' }, ['dueAt']],
      ['an unknown field', { title: 'ok', priority: 'high' }, ['priority']],
      ['a userId', { title: 'ok', userId: 'someone-else' }, ['userId']],
      [
        'an id, createdAt or updatedAt',
        {
          title: 'ok',
          id: '7d0f6a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6',
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
        },
        ['id', 'createdAt', 'updatedAt'],
      ],
      ['several bad fields at once', { title: '', status: 'x', extra: true }, ['title', 'status', 'extra']],
    ])('refuses %s with 400 listing the fields', async (_, body, paths) => {
      await expectInvalid(await post(body), paths);
    });

    it.each([
      ['an array', [{ title: 'x' }]],
      ['a string', 'title'],
      ['null', null],
    ])('refuses a body that is %s', async (_, body) => {
      const response = await post(JSON.stringify(body));
      expect(response.status).toBe(400);
      expect((await response.json()).code).toBe('validation_failed');
    });

    it('refuses a body that is not declared as JSON with 415 unsupported_media_type', async () => {
      const response = await stack.call('/v1/tasks', {
        method: 'POST',
        token: jwt,
        body: 'title=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await expectProblem(response, 415, 'unsupported_media_type');
    });

    it('refuses a compressed body with 415 unsupported_media_type, not as malformed JSON', async () => {
      const response = await stack.call('/v1/tasks', {
        method: 'POST',
        token: jwt,
        body: { title: 'x' },
        headers: { 'content-encoding': 'gzip' },
      });
      await expectProblem(response, 415, 'unsupported_media_type');
      expect(response.headers.get('accept-encoding')).toBe('identity');
    });

    it('refuses a JSON body declared in another charset than UTF-8 with 415 unsupported_media_type', async () => {
      const response = await stack.call('/v1/tasks', {
        method: 'POST',
        token: jwt,
        body: { title: 'x' },
        headers: { 'content-type': 'application/json; charset=utf-16' },
      });
      await expectProblem(response, 415, 'unsupported_media_type');
    });

    it('keeps characters outside the Basic Multilingual Plane (surrogate pairs) exactly as sent', async () => {
      const created = await createTask(stack, jwt, { title: 'Launch 🚀 𝔗essera', description: '🎉' });
      expect(created).toMatchObject({ title: 'Launch 🚀 𝔗essera', description: '🎉' });
    });

    it('refuses malformed JSON with 400 invalid_json', async () => {
      await expectProblem(await post('{"title": "unterminated'), 400, 'invalid_json');
    });

    it('trims the title and accepts the limits exactly', async () => {
      const created = await createTask(stack, jwt, { title: `  ${'t'.repeat(200)}  `, description: 'd'.repeat(5000) });
      expect(created.title).toBe('t'.repeat(200));
      expect(created.description).toHaveLength(5000);
    });

    it('defaults status to todo, and stores dueAt in UTC', async () => {
      const created = await createTask(stack, jwt, { title: 'due', dueAt: '2026-12-01T09:30:00+02:00' });
      expect(created).toMatchObject({ status: 'todo', description: null, dueAt: '2026-12-01T07:30:00.000000Z' });
      expect(created.createdAt).toBe(created.updatedAt);
    });

    it('refuses a body over the size limit with 413 payload_too_large', async () => {
      await expectProblem(await post({ title: 'big', description: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large');
    });

    it('answers 58 KB of unknown fields with the first 20 and a count, in a small answer', async () => {
      const fields = Object.fromEntries(Array.from({ length: 6_000 }, (_, index) => [`f${index}`, 1]));
      const body = JSON.stringify({ title: 'ok', ...fields });
      expect(body.length).toBeGreaterThan(58_000);
      const response = await post(body);
      expect((await response.clone().text()).length).toBeLessThan(2_000);
      const problem = await expectProblem(response, 400, 'validation_failed');
      expect(problem.errors).toHaveLength(20);
      expect(problem.errorsOmitted).toBe(6_000 - 20);
    });
  });

  describe('update', () => {
    it('refuses an empty patch', async () => {
      const problem = await expectProblem(await patch({}), 400, 'validation_failed');
      expect(problem.errors?.[0]?.message).toBe('at least one field is required');
    });

    it.each([
      ['an empty title', { title: ' ' }, ['title']],
      ['an unknown status', { status: 'later' }, ['status']],
      ['an unknown field', { done: true }, ['done']],
      ['a userId', { userId: 'someone-else' }, ['userId']],
      ['a description of 5001 characters', { description: 'd'.repeat(5001) }, ['description']],
      ['a title with U+0000', { title: '\u0000' }, ['title']],
      ['a dueAt in year 0', { dueAt: '0000-06-01T00:00:00Z' }, ['dueAt']],
    ])('refuses %s', async (_, body, paths) => {
      await expectInvalid(await patch(body), paths);
    });

    it('refuses malformed JSON with 400 invalid_json, and changes nothing', async () => {
      await expectProblem(await patch('{"title": "unterminated'), 400, 'invalid_json');
      const unchanged = (await (await stack.call(`/v1/tasks/${task.id}`, { token: jwt })).json()) as Task;
      expect(unchanged).toEqual(task);
    });

    it('changes only the fields given, clears with null, and moves updatedAt', async () => {
      const original = await createTask(stack, jwt, {
        title: 'partial',
        description: 'keep',
        dueAt: '2027-01-01T00:00:00Z',
      });
      const response = await patch({ status: 'in_progress', dueAt: null }, original.id);
      expect(response.status).toBe(200);
      const updated = (await response.json()) as Task;
      expect(updated).toMatchObject({
        id: original.id,
        title: 'partial',
        description: 'keep',
        status: 'in_progress',
        dueAt: null,
        createdAt: original.createdAt,
      });
      expect(updated.updatedAt > original.updatedAt).toBe(true);
    });
  });

  describe('ids', () => {
    it.each(['GET', 'PATCH', 'DELETE'])('answers 404 task_not_found to %s of a malformed id', async (method) => {
      const response = await stack.call('/v1/tasks/not-a-uuid', {
        method,
        token: jwt,
        ...(method === 'PATCH' ? { body: { title: 'x' } } : {}),
      });
      await expectProblem(response, 404, 'task_not_found');
    });

    it('answers 404 to a well-formed id that does not exist', async () => {
      await expectProblem(
        await stack.call('/v1/tasks/7d0f6a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6', { token: jwt }),
        404,
        'task_not_found',
      );
    });

    it('deletes with 204, after which the task is gone', async () => {
      const doomed = await createTask(stack, jwt, { title: 'doomed' });
      const response = await stack.call(`/v1/tasks/${doomed.id}`, { method: 'DELETE', token: jwt });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      await expectProblem(await stack.call(`/v1/tasks/${doomed.id}`, { token: jwt }), 404, 'task_not_found');
    });
  });

  describe('list query', () => {
    it.each([
      ['limit=0', ['limit']],
      ['limit=201', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1.5', ['limit']],
      ['limit=1e1', ['limit']],
      ['limit=0x10', ['limit']],
      ['limit=5.0', ['limit']],
      ['limit=%2B5', ['limit']],
      ['limit=-1', ['limit']],
      ['limit=', ['limit']],
      ['status=blocked', ['status']],
      ['cursor=not-a-cursor', ['cursor']],
      [`cursor=${Buffer.from('[1,"2026-01-01T00:00:00.000000Z","x"]').toString('base64url')}`, ['cursor']],
      ['page=2', ['page']],
      ['limit=0&cursor=%%%', ['limit', 'cursor']],
    ])('refuses ?%s with 400 naming the fields', async (query, paths) => {
      await expectInvalid(await stack.call(`/v1/tasks?${query}`, { token: jwt }), paths);
    });

    it('answers a long query string of unknown parameters with a small answer', async () => {
      const query = Array.from({ length: 1_500 }, (_, index) => `q${index}=1`).join('&');
      expect(query.length).toBeGreaterThan(10_000);
      const response = await stack.call(`/v1/tasks?${query}`, { token: jwt });
      expect((await response.clone().text()).length).toBeLessThan(2_000);
      const problem = await expectProblem(response, 400, 'validation_failed');
      expect(problem.errorsOmitted).toBe(1_500 - 20);
    });

    it('refuses an overlong userId in the path form with 400', async () => {
      await expectInvalid(await stack.call(`/v1/users/${'u'.repeat(256)}/tasks`, { token: jwt }), ['userId']);
    });

    it('accepts limits 1 and 200', async () => {
      for (const limit of [1, 200])
        expect((await stack.call(`/v1/tasks?limit=${limit}`, { token: jwt })).status).toBe(200);
    });
  });

  describe('tokens', () => {
    it('answers 401 with a bare Bearer challenge when there is no token', async () => {
      const response = await stack.call('/v1/tasks');
      await expectProblem(response, 401, 'token_missing');
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    });

    it('answers 401 invalid_token to a token whose signature was altered', async () => {
      const [header, payload, signature = ''] = jwt.split('.');
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      const response = await stack.call('/v1/tasks', { token: `${header}.${payload}.${flipped}` });
      await expectProblem(response, 401, 'invalid_token');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
    });

    it('answers 401 to a session token used as a JWT', async () => {
      const { sessionToken } = await stack.auth.signUp();
      expect((await stack.call('/v1/tasks', { token: sessionToken })).status).toBe(401);
    });

    it.each([
      'GET /v1/tasks',
      'POST /v1/tasks',
      'GET /v1/tasks/{id}',
      'PATCH /v1/tasks/{id}',
      'DELETE /v1/tasks/{id}',
      'GET /v1/users/me/tasks',
      'POST /v1/users/me/tasks',
    ])('protects %s', async (route) => {
      const [method = 'GET', path = ''] = route.split(' ');
      const response = await stack.call(path.replace('{id}', task.id), {
        method,
        ...(method === 'POST' || method === 'PATCH' ? { body: { title: 'x' } } : {}),
      });
      expect(response.status).toBe(401);
    });
  });

  describe('service endpoints', () => {
    it('answers /healthz and /readyz with the database and keys checked', async () => {
      expect((await stack.call('/healthz')).status).toBe(200);
      const ready = await stack.call('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', keys: 'ok' } });
    });

    it('allows CORS from a trusted origin only, without credentials', async () => {
      const preflight = (origin: string) =>
        stack.call('/v1/tasks', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
      const trusted = await preflight('http://localhost:5173');
      expect(trusted.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(trusted.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect(trusted.headers.get('access-control-allow-credentials')).toBeNull();
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('adds CORS headers to answers for a trusted origin, and only Vary: Origin when no Origin is sent', async () => {
      const { jwt } = await stack.auth.signUp();
      const fromBrowser = await stack.call('/v1/tasks', { token: jwt, headers: { origin: 'http://localhost:5173' } });
      expect(fromBrowser.status).toBe(200);
      expect(fromBrowser.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(fromBrowser.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
      expect(fromBrowser.headers.get('vary')).toContain('Origin');
      const refused = await stack.call('/v1/tasks', {
        token: 'not-a-jwt',
        headers: { origin: 'http://localhost:5173' },
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');

      const native = await stack.call('/v1/tasks', { token: jwt });
      expect(native.status).toBe(200);
      expect(native.headers.get('access-control-allow-origin')).toBeNull();
      expect(native.headers.get('vary')).toContain('Origin');
      expect(native.headers.get('x-request-id')).toBeTruthy();
    });
  });
});
