import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets, withoutStatementParameters } from './redaction.ts';

describe('isSecretKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'Cookie',
    'set-cookie',
    'Set-Cookie',
    'password',
    'newPassword',
    'token',
    'access_token',
    'refreshToken',
    'id_token',
    'secret',
    'client_secret',
    'BETTER_AUTH_SECRET',
    'x-api-key',
  ])('treats %s as a credential', (key) => expect(isSecretKey(key)).toBe(true));

  it.each(['requestId', 'path', 'status', 'tokenCount', 'token_type', 'email', 'user_id'])('leaves %s alone', (key) =>
    expect(isSecretKey(key)).toBe(false),
  );
});

describe('redactSecrets', () => {
  it('returns an object without credentials unchanged (same reference)', () => {
    const line = { method: 'GET', path: '/v1/tasks', status: 200, nested: { list: [1, 2, { ok: true }] } };
    expect(redactSecrets(line)).toBe(line);
  });

  it('redacts at any depth without touching the logged object', () => {
    const logged = {
      a: { b: { c: { d: { e: { f: { refresh_token: 'deep' } } } } } },
      list: [{ password: 'p' }],
      keep: 'me',
    };
    const redacted = redactSecrets(logged) as typeof logged;
    expect(redacted.a.b.c.d.e.f.refresh_token).toBe(REDACTED);
    expect(redacted.list[0]?.password).toBe(REDACTED);
    expect(redacted.keep).toBe('me');
    expect(logged.a.b.c.d.e.f.refresh_token).toBe('deep');
    expect(logged.list[0]?.password).toBe('p');
  });

  it('serializes errors and redacts their fields', () => {
    const error = Object.assign(new TypeError('request failed'), {
      config: { headers: { Authorization: 'Bearer x' } },
    });
    const redacted = redactSecrets({ err: error }) as {
      err: { type: string; message: string; stack: string; config: { headers: { Authorization: string } } };
    };
    expect(redacted.err.type).toBe('TypeError');
    expect(redacted.err.message).toBe('request failed');
    expect(redacted.err.stack).toContain('request failed');
    expect(redacted.err.config.headers.Authorization).toBe(REDACTED);
  });

  it('survives cycles by cutting very deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => JSON.stringify(redactSecrets(cyclic))).not.toThrow();
  });

  it('follows toJSON like JSON.stringify does', () => {
    const session = { toJSON: () => ({ id: 's1', token: 'abc' }) };
    expect(redactSecrets({ session })).toEqual({ session: { id: 's1', token: REDACTED } });
    const date = new Date('2026-01-01T00:00:00Z');
    expect(redactSecrets({ at: date })).toEqual({ at: '2026-01-01T00:00:00.000Z' });
  });

  it('keeps null and undefined secrets as they are (nothing to hide)', () => {
    expect(redactSecrets({ token: null, password: undefined })).toEqual({ token: null, password: undefined });
  });
});

describe('statement parameters', () => {
  const query = 'update "user" set "name" = $1 where "id" = $2';
  const drizzleMessage = `Failed query: ${query}\nparams: SECRET-NAME,\nSECRET-SECOND-LINE,u1`;

  it("cuts drizzle's params from a message, keeping the SQL", () => {
    expect(withoutStatementParameters(drizzleMessage)).toBe(`Failed query: ${query}`);
  });

  it('cuts them from a stack, keeping the frames', () => {
    const stack = `DrizzleQueryError: ${drizzleMessage}\n    at PglitePreparedQuery.execute (session.js:70:20)\n    at async update (index.mjs:451:12)`;
    expect(withoutStatementParameters(stack)).toBe(
      `DrizzleQueryError: Failed query: ${query}\n    at PglitePreparedQuery.execute (session.js:70:20)\n    at async update (index.mjs:451:12)`,
    );
  });

  it("redacts params and parameters at any depth, and the values in an error's message and stack", () => {
    const cause = Object.assign(new Error('invalid byte sequence'), { query, params: ['SECRET-NAME', 'u1'] });
    const error = Object.assign(new Error(drizzleMessage, { cause }), { query, params: ['SECRET-NAME', 'u1'] });
    const postgresJs = Object.assign(new Error('connection ended'), { query, parameters: ['SECRET-NAME'] });
    const output = JSON.stringify(redactSecrets({ err: error, details: [postgresJs] }));
    expect(output).not.toContain('SECRET-');
    expect(output).toContain(query.replaceAll('"', '\\"'));
  });
});
