import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createMetrics } from './metrics.ts';
import { HttpProblem } from './problem.ts';
import { createRouter } from './router.ts';
import { capturingLogger } from './testing/index.ts';

const PROBLEM_JSON = 'application/problem+json';

function buildApp(options: Partial<Parameters<typeof createApp>[0]> = {}) {
  const capture = capturingLogger();
  const app = createApp({ service: 'test', logger: capture.logger, ...options });

  const createTask = createRoute({
    method: 'post',
    path: '/v1/tasks',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ title: z.string().min(1).max(10), tags: z.array(z.string().max(3)).optional() })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: { description: 'created', content: { 'application/json': { schema: z.object({ title: z.string() }) } } },
    },
  });
  app.openapi(createTask, (c) => c.json({ title: c.req.valid('json').title }, 201));

  const getTask = createRoute({
    method: 'get',
    path: '/v1/tasks/{id}',
    request: { params: z.object({ id: z.uuid() }) },
    responses: {
      200: { description: 'task', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
    },
  });
  app.openapi(getTask, (c) => c.json({ id: c.req.valid('param').id }, 200));

  app.post('/plain-json', async (c) => c.json(await c.req.json()));
  app.get('/teapot', () => {
    throw new HttpProblem({ status: 418, code: 'teapot', detail: 'short and stout', headers: { 'Retry-After': '3' } });
  });
  app.get('/forbidden', () => {
    throw new HTTPException(403, { message: 'not yours' });
  });
  app.get('/broken', () => {
    throw new Error('relation "tasks" does not exist at SELECT * FROM tasks WHERE user_id = $1');
  });
  app.get('/json-parse-bug', () => JSON.parse('{oops') as Response);
  return { app, ...capture };
}

describe('createApp', () => {
  it('answers GET /healthz with { status: ok }', async () => {
    const response = await buildApp().app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('sends X-Content-Type-Options: nosniff on every answer: JSON, problem+json, 404 and 500', async () => {
    const { app } = buildApp();
    const answers = [
      await app.request('/healthz'),
      await app.request('/metrics'),
      await app.request('/nope'),
      await app.request('/teapot'),
      await app.request('/broken'),
      await app.request('/v1/tasks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 418, 500, 400]);
    for (const answer of answers) expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers an unknown route with a 404 not_found problem', async () => {
    const response = await buildApp().app.request('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'not_found',
    });
  });

  it('turns an HttpProblem into problem+json with its headers', async () => {
    const response = await buildApp().app.request('/teapot');
    expect(response.status).toBe(418);
    expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Client Error',
      status: 418,
      detail: 'short and stout',
      code: 'teapot',
    });
  });

  it('keeps the status of a Hono HTTPException', async () => {
    const response = await buildApp().app.request('/forbidden');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({ status: 403, code: 'forbidden', detail: 'not yours' });
  });

  it('answers an unknown error with a generic 500, logging the stack but never echoing it', async () => {
    const { app, lines } = buildApp();
    const response = await app.request('/broken');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'internal_error',
    });
    expect(text).not.toMatch(/relation|SELECT|at .*\.ts/);
    const logged = lines().find((line) => line.msg === 'unhandled error') as
      | { err: { stack: string }; requestId: string }
      | undefined;
    expect(logged?.err.stack).toContain('SELECT * FROM tasks');
    expect(logged?.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('does not mistake a SyntaxError from the code for bad input', async () => {
    const response = await buildApp().app.request('/json-parse-bug');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: 'internal_error' });
  });

  describe('request bodies', () => {
    it('accepts a valid body on an OpenAPI route', async () => {
      const response = await buildApp().app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"title":"milk"}',
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ title: 'milk' });
    });

    it('answers malformed JSON on an OpenAPI route with 400 invalid_json', async () => {
      const response = await buildApp().app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"title":',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      expect(await response.json()).toMatchObject({ status: 400, code: 'invalid_json' });
    });

    it('answers malformed JSON read with c.req.json() with 400 invalid_json', async () => {
      const response = await buildApp().app.request('/plain-json', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: 'not json',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      expect(await response.json()).toMatchObject({ code: 'invalid_json' });
    });

    it('lists every failing field of an invalid body as validation_failed', async () => {
      const body = JSON.stringify({ title: '', tags: ['ok', 'toolong'], extra: true });
      const response = await buildApp().app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      const problem = (await response.json()) as { code: string; errors: { path: string; message: string }[] };
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors.map((error) => error.path).sort()).toEqual(['extra', 'tags.1', 'title']);
      expect(problem.errors.find((error) => error.path === 'extra')?.message).toBe('is not a known field');
    });

    it('answers a 58 KB body of unknown fields with a small problem: the first 20 fields and a count', async () => {
      const fields = Object.fromEntries(Array.from({ length: 6_000 }, (_, index) => [`f${index}`, 1]));
      const body = JSON.stringify({ title: 'milk', ...fields });
      expect(body.length).toBeGreaterThan(58_000);
      const response = await buildApp().app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text.length).toBeLessThan(2_000);
      const problem = JSON.parse(text) as { code: string; errors: unknown[]; errorsOmitted: number };
      expect(problem).toMatchObject({ code: 'validation_failed', errorsOmitted: 6_000 - 20 });
      expect(problem.errors).toHaveLength(20);
    });

    it('validates path params through the same hook', async () => {
      const response = await buildApp().app.request('/v1/tasks/not-a-uuid');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'id' }] });
    });

    it('answers a non-JSON content type on a JSON route with 415 unsupported_media_type', async () => {
      const response = await buildApp().app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'title=milk',
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
    });

    it('answers a content-encoded body with 415 unsupported_media_type and Accept-Encoding: identity', async () => {
      const { app } = buildApp();
      const post = (encoding: string) =>
        app.request('/v1/tasks', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          body: JSON.stringify({ title: 'x' }),
        });
      for (const encoding of ['gzip', 'br', 'deflate', 'GZIP', 'gzip, identity']) {
        const response = await post(encoding);
        expect(response.status, encoding).toBe(415);
        expect(response.headers.get('accept-encoding')).toBe('identity');
        expect(await response.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
      }
      // No encoding at all, spelled out.
      expect((await post('identity')).status).toBe(201);
      expect((await post('Identity ')).status).toBe(201);
    });

    it('answers a JSON body declared in another charset than UTF-8 with 415 unsupported_media_type', async () => {
      const { app } = buildApp();
      const post = (contentType: string) =>
        app.request('/v1/tasks', {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: JSON.stringify({ title: 'x' }),
        });
      for (const contentType of [
        'application/json; charset=utf-16',
        'application/json;charset="ISO-8859-1"',
        'application/problem+json; charset=latin1',
      ]) {
        const response = await post(contentType);
        expect(response.status, contentType).toBe(415);
        expect(await response.json()).toMatchObject({
          code: 'unsupported_media_type',
          detail: expect.stringContaining('UTF-8'),
        });
      }
      for (const contentType of [
        'application/json',
        'application/json; charset=utf-8',
        'application/json;charset="UTF-8"',
        'application/json; charset=utf8',
      ]) {
        expect((await post(contentType)).status, contentType).toBe(201);
      }
      // Other media types keep their charset: a form in latin1 is for the route to judge (here: 415, not JSON).
      expect(await (await post('text/plain; charset=latin1')).json()).toMatchObject({
        detail: expect.not.stringContaining('UTF-8'),
      });
    });

    it('answers a body over the limit with 413 payload_too_large', async () => {
      const response = await buildApp({ bodyLimit: 100 }).app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'x'.repeat(200) }),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      expect(await response.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
    });

    it('answers a streamed body over the limit (no Content-Length) with 413', async () => {
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(50)));
          controller.close();
        },
      });
      const request = new Request('http://local/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: chunks,
        duplex: 'half',
      } as RequestInit);
      const response = await buildApp({ bodyLimit: 100 }).app.request(request);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
    });

    it('rejects a non-positive bodyLimit or readiness timeout at creation', () => {
      expect(() => buildApp({ bodyLimit: 0 })).toThrow(TypeError);
      expect(() => buildApp({ readinessTimeoutMs: 0 })).toThrow(TypeError);
    });
  });

  describe('request ids', () => {
    it('generates a UUID and echoes it, also on errors', async () => {
      const { app } = buildApp();
      const ok = await app.request('/healthz');
      const missing = await app.request('/nope');
      expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(ok.headers.get('x-request-id')).not.toBe(missing.headers.get('x-request-id'));
    });

    it('sets the id on responses with immutable headers too', async () => {
      const { app } = buildApp();
      app.get('/moved', () => Response.redirect('http://example.com/elsewhere', 302));
      const response = await app.request('/moved', { headers: { 'X-Request-Id': 'r-302' } });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('http://example.com/elsewhere');
      expect(response.headers.get('x-request-id')).toBe('r-302');
    });

    it('keeps a sane incoming X-Request-Id', async () => {
      const response = await buildApp().app.request('/healthz', { headers: { 'X-Request-Id': 'edge-1:abc.DEF_9' } });
      expect(response.headers.get('x-request-id')).toBe('edge-1:abc.DEF_9');
    });

    it.each(['has space', 'x'.repeat(129), 'quote"', 'new\\nline', '<script>'])(
      'replaces the unsafe incoming id %j',
      async (incoming) => {
        const response = await buildApp().app.request('/healthz', { headers: { 'X-Request-Id': incoming } });
        expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      },
    );

    it('writes one access-log line per request, with the request id and no query string', async () => {
      const { app, lines } = buildApp();
      await app.request('/v1/tasks/6f1c1d5e-3a1b-4c1d-9e1f-1a2b3c4d5e6f?token=SECRET123', {
        headers: { 'X-Request-Id': 'trace-42' },
      });
      const access = lines().filter((line) => line.msg === 'request');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({
        service: 'test',
        requestId: 'trace-42',
        method: 'GET',
        path: '/v1/tasks/6f1c1d5e-3a1b-4c1d-9e1f-1a2b3c4d5e6f',
        status: 200,
      });
      expect(JSON.stringify(lines())).not.toContain('SECRET123');
    });
  });

  describe('/readyz', () => {
    it('is ready with no checks', async () => {
      const response = await buildApp().app.request('/readyz');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: {} });
    });

    it('reports every check when all pass', async () => {
      const response = await buildApp({ readiness: { database: async () => {}, keys: async () => {} } }).app.request(
        '/readyz',
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', keys: 'ok' } });
    });

    it('shows the facts a check resolves with under details, also when another check fails', async () => {
      const revocations = async () => ({ age_seconds: 3, entries: 12 });
      const ready = await buildApp({ readiness: { database: async () => {}, revocations } }).app.request('/readyz');
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', revocations: 'ok' },
        details: { revocations: { age_seconds: 3, entries: 12 } },
      });
      const failing = async () => {
        throw new Error('down');
      };
      const notReady = await buildApp({ readiness: { database: failing, revocations } }).app.request('/readyz');
      expect(await notReady.json()).toMatchObject({ code: 'not_ready', details: { revocations: { age_seconds: 3 } } });
    });

    it('answers 503 not_ready with the failing check, without its error message', async () => {
      const { app, lines } = buildApp({
        readiness: {
          database: async () => {
            throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
          },
          keys: async () => {},
        },
      });
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({
        status: 503,
        code: 'not_ready',
        checks: { database: 'failed', keys: 'ok' },
      });
      expect(text).not.toContain('ECONNREFUSED');
      expect(lines().some((line) => line.msg === 'readiness check failed' && line.check === 'database')).toBe(true);
    });

    it('counts a check that hangs as a timeout', async () => {
      const started = Date.now();
      const response = await buildApp({
        readiness: { database: () => new Promise(() => {}) },
        readinessTimeoutMs: 100,
      }).app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ checks: { database: 'timeout' } });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('/metrics', () => {
    it('serves Prometheus text labelled by route pattern, never by raw path', async () => {
      const { app } = buildApp();
      await app.request('/v1/tasks/6f1c1d5e-3a1b-4c1d-9e1f-1a2b3c4d5e6f');
      await app.request('/v1/tasks/0b0c6b0e-0000-4000-8000-000000000000');
      await app.request('/random/path/123');
      const response = await app.request('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('http_requests_total{method="GET",route="/v1/tasks/:id",status="200"} 2');
      expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
      expect(text).toContain(
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/tasks/:id",status="200"}',
      );
      expect(text).not.toContain('6f1c1d5e');
      expect(text).not.toContain('/random/path');
    });

    it('labels a body rejected by the limit with its route', async () => {
      const { app } = buildApp({ bodyLimit: 10 });
      await app.request('/v1/tasks', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"title":"far too long"}',
      });
      expect(await (await app.request('/metrics')).text()).toContain(
        'http_requests_total{method="POST",route="/v1/tasks",status="413"} 1',
      );
    });

    it('labels routes of mounted sub-apps with their full pattern, even with middleware registered after them', async () => {
      const { app } = buildApp();
      const router = createRouter();
      router.get('/notes/:noteId', (c) => c.json({ id: c.req.param('noteId') }));
      app.route('/v9', router);
      app.use('/v9/*', async (_c, next) => next());
      await app.request('/v9/notes/123');
      await app.request('/v9/notes/456', { method: 'HEAD' });
      const text = await (await app.request('/metrics')).text();
      expect(text).toContain('http_requests_total{method="GET",route="/v9/notes/:noteId",status="200"} 1');
      expect(text).toContain('http_requests_total{method="HEAD",route="/v9/notes/:noteId",status="200"} 1');
    });

    it('lets two apps share one registry', async () => {
      const metrics = createMetrics();
      const first = buildApp({ metrics }).app;
      const second = buildApp({ metrics }).app;
      await first.request('/healthz');
      await second.request('/healthz');
      expect(await (await first.request('/metrics')).text()).toContain(
        'http_requests_total{method="GET",route="/healthz",status="200"} 2',
      );
    });

    it('keeps separate counts for apps with their own registries', async () => {
      const first = buildApp().app;
      const second = buildApp().app;
      await first.request('/healthz');
      expect(await (await second.request('/metrics')).text()).not.toContain('route="/healthz"');
    });
  });

  it('validates routes of a createRouter sub-app into validation_failed problems', async () => {
    const { app } = buildApp();
    const router = createRouter();
    router.openapi(
      createRoute({
        method: 'get',
        path: '/items',
        request: { query: z.object({ limit: z.coerce.number().int().max(200) }) },
        responses: {
          200: { description: 'items', content: { 'application/json': { schema: z.object({ limit: z.number() }) } } },
        },
      }),
      (c) => c.json({ limit: c.req.valid('query').limit }, 200),
    );
    app.route('/v3', router);
    expect(await (await app.request('/v3/items?limit=5')).json()).toEqual({ limit: 5 });
    const response = await app.request('/v3/items?limit=500');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    expect(await response.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'limit' }] });
  });

  it('lets services mount sub-apps whose errors still become problems', async () => {
    const { app } = buildApp();
    const tasks = new OpenAPIHono();
    tasks.get('/boom', () => {
      throw new HttpProblem({ status: 409, code: 'conflict_here', detail: 'taken' });
    });
    app.route('/v2', tasks);
    const response = await app.request('/v2/boom');
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'conflict_here' });
  });
});
