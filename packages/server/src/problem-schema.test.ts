import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { HttpProblem } from './problem.ts';
import { ProblemSchema, problemResponse } from './problem-schema.ts';
import { capturingLogger } from './testing/index.ts';

describe('ProblemSchema', () => {
  it('describes what onError actually answers', async () => {
    const app = createApp({ service: 'test', logger: capturingLogger().logger });
    app.get('/gone', () => {
      throw new HttpProblem({ status: 410, code: 'gone', detail: 'It left.' });
    });
    const bodies = [await (await app.request('/gone')).json(), await (await app.request('/nope')).json()];
    for (const body of bodies) expect(ProblemSchema.safeParse(body).success).toBe(true);
  });

  it('appears as a Problem component of the OpenAPI document', () => {
    const app = new OpenAPIHono();
    app.openapi(
      createRoute({
        method: 'get',
        path: '/things/{id}',
        request: { params: z.object({ id: z.string() }) },
        responses: {
          200: { description: 'thing', content: { 'application/json': { schema: z.object({ id: z.string() }) } } },
          404: problemResponse('No such thing (`thing_not_found`)'),
          503: problemResponse('Unavailable', {
            'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
          }),
        },
      }),
      (c) => c.json({ id: c.req.valid('param').id }, 200),
    );
    const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(document.components?.schemas?.Problem).toBeDefined();
    const unavailable = document.paths?.['/things/{id}']?.get?.responses?.['503'] as {
      content: Record<string, unknown>;
      headers: Record<string, unknown>;
    };
    expect(Object.keys(unavailable.content)).toEqual(['application/problem+json']);
    expect(Object.keys(unavailable.headers)).toEqual(['Retry-After']);
  });
});
