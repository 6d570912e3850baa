import type { GuardVariables, Principal } from '@tessera/guard';
import { createLogger } from '@tessera/server';
import type { MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksService, type TasksService } from '../src/app.ts';
import { loadTasksConfig } from '../src/config.ts';

type Operation = {
  operationId?: string;
  security?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
};
type Spec = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, unknown>;
    schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
  };
};

/** The statuses each route can answer: its own, the guard's (400, 401, 503) and the server's (413, 415). */
const expectedResponses: Record<string, Record<string, string[]>> = {
  '/v1/tasks': { get: ['200', '400', '401', '403', '503'], post: ['201', '400', '401', '403', '413', '415', '503'] },
  '/v1/tasks/{id}': {
    get: ['200', '400', '401', '403', '404', '503'],
    patch: ['200', '400', '401', '403', '404', '413', '415', '503'],
    delete: ['204', '400', '401', '403', '404', '503'],
  },
  '/v1/users/{userId}/tasks': {
    get: ['200', '400', '401', '403', '503'],
    post: ['201', '400', '401', '403', '413', '415', '503'],
  },
};

/** An `authenticate` of one's own, in place of the guard: it admits every request as one fixed user. */
function fixedUser(userId: string): MiddlewareHandler<{ Variables: GuardVariables }> {
  const principal: Principal = {
    kind: 'user',
    subject: userId,
    userId,
    scopes: new Set(),
    claims: { iss: 'fixed', sub: userId, aud: 'tessera', exp: 0 },
  };
  return async function fixedPrincipal(c, next) {
    c.set('principal', principal);
    await next();
  };
}

describe('OpenAPI description and the authenticate option', () => {
  let service: TasksService;
  let spec: Spec;

  beforeAll(async () => {
    const config = loadTasksConfig({ NODE_ENV: 'test', TASKS_DATABASE_URL: 'memory://', LOG_LEVEL: 'silent' });
    service = await createTasksService(config, {
      authenticate: fixedUser('fixed-user'),
      logger: createLogger({ service: 'tasks', level: 'silent' }),
    });
    spec = (await (await service.app.request('/openapi.json')).json()) as Spec;
  });

  afterAll(async () => {
    await service?.close();
  });

  /** Every operation under `/v1/`. */
  const taskOperations = (): Operation[] =>
    Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([, operations]) => Object.values(operations));

  it('is OpenAPI 3.1 with a bearer JWT security scheme', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('describes exactly the task routes, each secured and with the statuses it answers', () => {
    const documented = Object.fromEntries(
      Object.entries(spec.paths)
        .filter(([path]) => path.startsWith('/v1/'))
        .map(([path, operations]) => [
          path,
          Object.fromEntries(
            Object.entries(operations).map(([method, operation]) => [method, Object.keys(operation.responses).sort()]),
          ),
        ]),
    );
    expect(documented).toEqual(expectedResponses);
    for (const operation of taskOperations()) expect(operation.security).toEqual([{ bearerAuth: [] }]);
  });

  it('names every operation, for generated clients', () => {
    expect(
      taskOperations()
        .map((operation) => operation.operationId)
        .sort(),
    ).toEqual(['createTask', 'createUserTask', 'deleteTask', 'getTask', 'listTasks', 'listUserTasks', 'updateTask']);
  });

  it('documents every error as problem+json, with WWW-Authenticate on 401 and 403 and Retry-After on 503', () => {
    for (const operation of taskOperations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect(response.content?.['application/problem+json']?.schema).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
      expect(operation.responses['401']?.headers).toHaveProperty('WWW-Authenticate');
      expect(operation.responses['403']?.headers).toHaveProperty('WWW-Authenticate');
      expect(operation.responses['503']?.headers).toHaveProperty('Retry-After');
    }
    expect(spec.components.schemas.Problem?.required?.sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
  });

  it('shows each error response with an example of its own status', () => {
    for (const operation of taskOperations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const example = (
          response.content?.['application/problem+json'] as { example?: { status: number; code: string } }
        ).example;
        expect(example?.status).toBe(Number(status));
        expect(example?.code).toMatch(/^[a-z_]+$/);
      }
    }
  });

  it('pre-fills no status filter in "Try it out": the status parameter has no example', () => {
    const parameters = (
      spec.paths['/v1/tasks']?.get as unknown as {
        parameters: { name: string; example?: unknown; schema: Record<string, unknown> }[];
      }
    ).parameters;
    const status = parameters.find((parameter) => parameter.name === 'status');
    expect(status?.schema).toMatchObject({ type: 'string', enum: ['todo', 'in_progress', 'done'] });
    expect(status?.schema).not.toHaveProperty('$ref');
    expect(status?.schema).not.toHaveProperty('example');
    expect(status?.example).toBeUndefined();
  });

  it('serves the docs page at /docs/ too', async () => {
    const page = await service.app.request('/docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toBe(await (await service.app.request('/docs')).text());
  });

  it('describes the task exactly as the API answers it', async () => {
    const response = await service.app.request('/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'shape' }),
    });
    expect(response.status).toBe(201);
    const task = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(task).sort()).toEqual(Object.keys(spec.components.schemas.Task?.properties ?? {}).sort());
    expect(spec.components.schemas.Task?.required?.sort()).toEqual(Object.keys(task).sort());
  });

  it('serves a docs page, and everything it loads, itself: Swagger UI reading /openapi.json', async () => {
    const response = await service.app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const references = [...(await response.text()).matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(3);
    const assets = await Promise.all(references.map((reference) => service.app.request(reference)));
    expect(assets.map((asset) => asset.status)).toEqual(references.map(() => 200));
    const init = await assets[references.findIndex((reference) => reference.endsWith('/init.js'))]!.text();
    expect(init).toContain('"url":"/openapi.json"');
  });

  it('lets the authenticate option replace the guard: no verifier, and readiness checks only the database', async () => {
    expect(service.verifier).toBeUndefined();
    const listed = (await (await service.app.request('/v1/tasks')).json()) as { items: { userId: string }[] };
    expect(listed.items.map((task) => task.userId)).toEqual(['fixed-user']);
    expect(await (await service.app.request('/readyz')).json()).toEqual({
      status: 'ready',
      checks: { database: 'ok' },
    });
  });
});
