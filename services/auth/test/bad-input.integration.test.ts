import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFetch, type TestAuthService } from '../src/testing.ts';
import { startOn } from './support/auth-client.ts';

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { path: string; message: string }[];
  errorsOmitted?: number;
};

describe('bad input on Better Auth routes', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://');
  });
  afterAll(() => service?.close());

  async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as Problem;
    expect(body).toMatchObject({
      status,
      code,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    return body;
  }

  const post = (path: string, body: string, headers: Record<string, string>) =>
    nativeFetch(`${service.url}${path}`, { method: 'POST', headers, body });

  it('answers malformed JSON with 400', async () => {
    await expectProblem(
      await post('/api/auth/sign-in/email', '{"email":', { 'content-type': 'application/json' }),
      400,
      'invalid_json',
    );
  });

  it('answers an oversize body with 413 before Better Auth reads it', async () => {
    const body = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(200_000), name: 'x' });
    await expectProblem(
      await post('/api/auth/sign-up/email', body, { 'content-type': 'application/json' }),
      413,
      'payload_too_large',
    );
  });

  it('answers an oversize chunked body (no Content-Length) with 413 too', async () => {
    const answer = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const outgoing = request(`${service.url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        // Its own connection: the server answers 413 before the body is read and then drops the socket, which
        // the shared keep-alive pool would otherwise hand to the next test's request ("socket hang up").
        agent: false,
      });
      outgoing.on('response', (incoming) => {
        let body = '';
        incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, type: incoming.headers['content-type'], body }),
        );
      });
      outgoing.on('error', reject);
      outgoing.write('{"email":"a@example.test","name":"x","password":"');
      for (let chunk = 0; chunk < 100; chunk += 1) outgoing.write('x'.repeat(1000));
      outgoing.end('"}');
    });
    expect(answer.status).toBe(413);
    expect(answer.type).toContain('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
  });

  it('answers a wrong content type with 415', async () => {
    await expectProblem(
      await post('/api/auth/sign-in/email', 'email=a', { 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
  });

  it('answers a JSON array where an object belongs with 400 validation_failed on the body itself', async () => {
    const problem = await expectProblem(
      await post('/api/auth/sign-up/email', '[1,2]', { 'content-type': 'application/json' }),
      400,
      'validation_failed',
    );
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(problem.errors?.every((error) => error.path === '')).toBe(true);
  });

  it('answers an invalid email with 400 validation_failed naming the field, as the tasks service does', async () => {
    const invalid = await post(
      '/api/auth/sign-up/email',
      JSON.stringify({ email: 'nope', password: 'password-123', name: 'x' }),
      { 'content-type': 'application/json' },
    );
    const problem = await expectProblem(invalid, 400, 'validation_failed');
    expect(problem.errors).toEqual([{ path: 'email', message: expect.any(String) }]);
  });

  it('answers a 58 KB body of unknown fields and a long query string with a small problem', async () => {
    const fields = Object.fromEntries(Array.from({ length: 6_000 }, (_, index) => [`f${index}`, 1]));
    const body = JSON.stringify({ email: 1, password: 2, name: 3, ...fields });
    expect(body.length).toBeGreaterThan(58_000);
    const answer = await post('/api/auth/sign-up/email', body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect((await answer.clone().text()).length).toBeLessThan(2_000);
    await expectProblem(answer, 400, 'validation_failed');

    const query = Array.from({ length: 1_500 }, (_, index) => `q${index}=1`).join('&');
    const listed = await nativeFetch(`${service.url}/api/auth/get-session?${query}`);
    expect((await listed.text()).length).toBeLessThan(2_000);
  });

  it('answers wrong credentials with 401, keeping Better Auth codes in snake case', async () => {
    const wrong = await post(
      '/api/auth/sign-in/email',
      JSON.stringify({ email: 'nobody@example.test', password: 'password-123' }),
      { 'content-type': 'application/json' },
    );
    const problem = await expectProblem(wrong, 401, 'invalid_email_or_password');
    expect(problem.detail).toBe('Invalid email or password');
  });

  it('answers an unknown auth route with a 404 problem', async () => {
    await expectProblem(await fetch(`${service.url}/api/auth/no-such-route`), 404, 'not_found');
  });
  it('refuses a name over 200 characters or blank with 400 invalid_name, and writes nothing', async () => {
    const json = { 'content-type': 'application/json' };
    const signUp = (name: string) =>
      post(
        '/api/auth/sign-up/email',
        JSON.stringify({ email: 'long-name@example.test', password: 'correct-horse-battery', name }),
        json,
      );
    await expectProblem(await signUp('x'.repeat(201)), 400, 'invalid_name');
    await expectProblem(await signUp('   '), 400, 'invalid_name');
    // Nothing was half-written: the same email signs up cleanly afterwards.
    const accepted = await signUp('x'.repeat(200));
    expect(accepted.status).toBe(200);

    const session = accepted.headers.get('set-auth-token')!;
    const update = await post('/api/auth/update-user', JSON.stringify({ name: 'y'.repeat(201) }), {
      ...json,
      authorization: `Bearer ${session}`,
    });
    await expectProblem(update, 400, 'invalid_name');
  });
});
