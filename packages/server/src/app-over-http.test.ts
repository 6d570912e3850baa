import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { type RunningServer, serve } from './serve.ts';
import { capturingLogger } from './testing/index.ts';

// The same behaviour as app.test.ts, but through @hono/node-server and real sockets, where bodies stream in.

let server: RunningServer;

beforeAll(async () => {
  const { logger } = capturingLogger();
  const app = createApp({ service: 'test', logger, bodyLimit: 1024 });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/tasks',
      request: {
        body: { required: true, content: { 'application/json': { schema: z.object({ title: z.string() }).strict() } } },
      },
      responses: {
        201: { description: 'created', content: { 'application/json': { schema: z.object({ title: z.string() }) } } },
      },
    }),
    (c) => c.json({ title: c.req.valid('json').title }, 201),
  );
  app.post('/plain-json', async (c) => c.json(await c.req.json()));
  server = await serve(app, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false });
});

afterAll(() => server.close());

type Reply = { status: number; contentType: string | undefined; connection: string | undefined; body: string };

function post(path: string, body: string | string[], headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}${path}`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          connection: response.headers.connection,
          body: text,
        }),
      );
    });
    request.on('error', reject);
    for (const chunk of Array.isArray(body) ? body : [body]) request.write(chunk);
    request.end();
  });
}

describe('createApp over real HTTP', () => {
  it('creates from a valid JSON body', async () => {
    const reply = await post('/v1/tasks', '{"title":"milk"}', { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({ title: 'milk' });
  });

  it('answers malformed JSON with 400 invalid_json on an OpenAPI route', async () => {
    const reply = await post('/v1/tasks', '{"title"', { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'invalid_json' });
  });

  it('answers malformed JSON with 400 invalid_json on a plain route', async () => {
    const reply = await post('/plain-json', '{{', { 'Content-Type': 'application/json; charset=utf-8' });
    expect(reply.status).toBe(400);
    expect(reply.contentType).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'invalid_json' });
  });

  it('answers a chunked body over the limit with 413 payload_too_large', async () => {
    const chunks = Array.from({ length: 20 }, () => 'x'.repeat(100));
    const reply = await post('/v1/tasks', chunks, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    expect(reply.status).toBe(413);
    expect(reply.contentType).toBe('application/problem+json');
    // The rest of the body was never read, so the connection must not be reused.
    expect(reply.connection).toBe('close');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers a declared Content-Length over the limit with 413 before the body arrives', async () => {
    // Only the headers are sent: the server must answer from Content-Length alone, not wait for 10 MB.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\n',
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('payload_too_large')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('application/problem+json');
  });

  it('accepts a body of exactly the limit, declared or chunked', async () => {
    const body = JSON.stringify({ title: 'x'.repeat(1024 - '{"title":""}'.length) });
    expect(Buffer.byteLength(body)).toBe(1024);
    expect(
      (await post('/v1/tasks', body, { 'Content-Type': 'application/json', 'Content-Length': '1024' })).status,
    ).toBe(201);
    const chunks = [body.slice(0, 500), body.slice(500)];
    expect(
      (await post('/v1/tasks', chunks, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' })).status,
    ).toBe(201);
    const over = await post('/v1/tasks', `${body} `, { 'Content-Type': 'application/json', 'Content-Length': '1025' });
    expect(over.status).toBe(413);
  });

  it('answers a non-JSON content type with 415 unsupported_media_type', async () => {
    const reply = await post('/v1/tasks', 'title=milk', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'unsupported_media_type' });
  });
});
