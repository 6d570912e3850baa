import { createApp, createLogger } from '@tessera/server';
import { describe, expect, it } from 'vitest';
import { betterAuthProblem } from './better-auth-problem.ts';

/** A real app whose only route answers with what Better Auth would have answered, through the normaliser. */
function appAnswering(answer: () => Response) {
  const app = createApp({ service: 'test', logger: createLogger({ service: 'test', level: 'silent' }) });
  app.get('/api/auth/x', (c) => betterAuthProblem(c, answer()));
  return app;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('betterAuthProblem', () => {
  it('passes successful answers through untouched', async () => {
    const answer = await appAnswering(() => json(200, { token: 't' }, { 'set-auth-token': 'abc.def' })).request(
      '/api/auth/x',
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-auth-token')).toBe('abc.def');
    expect(await answer.json()).toEqual({ token: 't' });
  });

  it('rewrites a Better Auth error as problem+json, keeping the status and snake-casing the code', async () => {
    const answer = await appAnswering(() =>
      json(401, { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' }),
    ).request('/api/auth/x');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(await answer.json()).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Invalid email or password',
      code: 'invalid_email_or_password',
      message: 'Invalid email or password',
    });
  });

  it('names a malformed body invalid_json, like every other service', async () => {
    const answer = await appAnswering(() =>
      json(400, { code: 'BAD_REQUEST', message: 'Invalid JSON in request body' }),
    ).request('/api/auth/x');
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_json');
  });

  it('turns a refused body into validation_failed with a path and a message per field', async () => {
    const message = '[body.email] Invalid email address; [body.name] Invalid input: expected string, received number';
    const answer = await appAnswering(() => json(400, { code: 'VALIDATION_ERROR', message })).request('/api/auth/x');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [
        { path: 'email', message: 'Invalid email address' },
        { path: 'name', message: 'Invalid input: expected string, received number' },
      ],
    });
  });

  it('keeps a validation message of another shape as one error on the body', async () => {
    const answer = await appAnswering(() => json(400, { code: 'VALIDATION_ERROR', message: 'Invalid image' })).request(
      '/api/auth/x',
    );
    expect(await answer.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '', message: 'Invalid image' }],
    });
  });

  it('answers the first 20 failing fields of a long validation message and counts the rest', async () => {
    const message = Array.from({ length: 58 }, (_, index) => `[body.f${index}] Invalid input`).join('; ');
    const answer = await appAnswering(() => json(400, { code: 'VALIDATION_ERROR', message })).request('/api/auth/x');
    const body = (await answer.json()) as { errors: unknown[]; errorsOmitted: number; message: string };
    expect(body.errors).toHaveLength(20);
    expect(body.errorsOmitted).toBe(38);
    expect(body.message).not.toContain('f57');
  });

  it('gives an empty error answer a code from its status', async () => {
    const answer = await appAnswering(() => new Response(null, { status: 404 })).request('/api/auth/x');
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { code: string }).code).toBe('not_found');
    const unprocessable = await appAnswering(() => new Response(null, { status: 422 })).request('/api/auth/x');
    expect(((await unprocessable.json()) as { code: string }).code).toBe('unprocessable_content');
  });

  it('adds Retry-After to the rate limiter answer', async () => {
    const answer = await appAnswering(() =>
      json(429, { message: 'Too many requests. Please try again later.' }, { 'x-retry-after': '7' }),
    ).request('/api/auth/x');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.headers.get('x-retry-after')).toBe('7');
    expect(((await answer.json()) as { code: string }).code).toBe('rate_limited');
  });

  it('keeps every Set-Cookie (a failed session lookup clears the cookies)', async () => {
    const answer = await appAnswering(() => {
      const headers = new Headers({ 'content-type': 'application/json' });
      headers.append('set-cookie', 'better-auth.session_token=; Max-Age=0; Path=/');
      headers.append('set-cookie', 'better-auth.session_data=; Max-Age=0; Path=/');
      return new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: 'Unauthorized' }), { status: 401, headers });
    }).request('/api/auth/x');
    expect(answer.headers.getSetCookie()).toHaveLength(2);
  });

  it('never repeats the message of a server error', async () => {
    const answer = await appAnswering(() =>
      json(500, {
        code: 'FAILED_TO_CREATE_USER',
        message: 'duplicate key value violates unique constraint "user_email_unique"',
      }),
    ).request('/api/auth/x');
    expect(answer.status).toBe(500);
    const body = await answer.text();
    expect(body).not.toContain('duplicate key');
    expect(JSON.parse(body)).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('leaves an RFC 6749 token error as it is, for OAuth clients', async () => {
    const answer = await appAnswering(() =>
      json(
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed.' },
        { 'www-authenticate': 'Basic realm="tessera"' },
      ),
    ).request('/api/auth/x');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="tessera"');
    expect(await answer.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
  });
});
