import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpProblem, problemFromHttpException, problemJson, validationProblem } from './problem.ts';

describe('HttpProblem', () => {
  it('defaults the title to the reason phrase and the type to about:blank', () => {
    const problem = new HttpProblem({ status: 404, code: 'task_not_found', detail: 'No such task.' });
    expect(problem).toBeInstanceOf(Error);
    expect(problem.toJSON()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such task.',
      code: 'task_not_found',
    });
  });

  it('adds extension members but never lets them replace the standard ones', () => {
    const problem = new HttpProblem({
      status: 503,
      code: 'not_ready',
      detail: 'd',
      extensions: { checks: { db: 'failed' }, status: 200, code: 'ok' },
    });
    expect(problem.toJSON()).toMatchObject({ status: 503, code: 'not_ready', checks: { db: 'failed' } });
  });
});

describe('problemJson', () => {
  it('answers application/problem+json with the problem headers', async () => {
    const app = new Hono();
    app.get('/', (c) =>
      problemJson(
        c,
        new HttpProblem({ status: 429, code: 'rate_limited', detail: 'slow down', headers: { 'Retry-After': '10' } }),
      ),
    );
    const response = await app.request('/');
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('10');
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'slow down',
      code: 'rate_limited',
    });
  });
});

describe('validationProblem', () => {
  const schema = z
    .object({ title: z.string().min(1), meta: z.object({ tags: z.array(z.string().max(2)) }).strict() })
    .strict();

  it('is a 400 validation_failed listing each failing field by dotted path', () => {
    const result = schema.safeParse({ title: '', meta: { tags: ['ok', 'long'] } });
    const problem = validationProblem(result.error!);
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors?.map((error) => error.path)).toEqual(['title', 'meta.tags.1']);
  });

  it('names each unknown key at its own path', () => {
    const result = schema.safeParse({ title: 'x', meta: { tags: [], colour: 'red' }, userId: 'u', owner: 'o' });
    const paths = validationProblem(result.error!).errors?.map((error) => error.path);
    expect(paths?.sort()).toEqual(['meta.colour', 'owner', 'userId']);
  });

  it('keeps the message of an unknown key a hook already split out', () => {
    const error = new z.ZodError([
      {
        code: 'unrecognized_keys',
        keys: ['userId'],
        path: ['userId'],
        message: 'the owner comes from the token',
        input: {},
      },
    ]);
    expect(validationProblem(error).errors).toEqual([{ path: 'userId', message: 'the owner comes from the token' }]);
  });
});

describe('problemFromHttpException', () => {
  it('keeps the status and the headers of the exception response', () => {
    const res = new Response('nope', {
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="tessera"', 'Content-Type': 'text/plain' },
    });
    const problem = problemFromHttpException(new HTTPException(401, { res, message: 'token missing' }));
    expect(problem.status).toBe(401);
    expect(problem.code).toBe('unauthorized');
    expect(problem.headers).toEqual({ 'www-authenticate': 'Bearer realm="tessera"' });
    expect(problem.detail).toBe('token missing');
  });

  it('never repeats the message of a 5xx exception', () => {
    const problem = problemFromHttpException(
      new HTTPException(502, { message: 'upstream 10.0.0.3 said: password authentication failed' }),
    );
    expect(problem.code).toBe('bad_gateway');
    expect(problem.detail).toBe('Bad Gateway');
  });

  it('maps the validator malformed-JSON exception to invalid_json', () => {
    expect(problemFromHttpException(new HTTPException(400, { message: 'Malformed JSON in request body' })).code).toBe(
      'invalid_json',
    );
  });
});
