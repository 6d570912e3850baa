import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { audience, generateTestKey, issuer, signToken, userClaims } from '../../../test/support.ts';
import { createVerifier } from '../../verifier.ts';
import type { GuardVariables } from '../bearer-auth/index.ts';
import { bearerAuth } from '../bearer-auth/index.ts';
import { requireScope } from './index.ts';

const key = generateTestKey('EdDSA');
const verifier = createVerifier({ issuer, audience, algorithms: ['EdDSA'], keys: [key.jwk] });

const app = new Hono<{ Variables: GuardVariables }>();
app.use('*', bearerAuth({ verifier }));
app.get('/read', requireScope('tasks:read'), (c) => c.text('read'));
app.post('/write', requireScope('tasks:read', 'tasks:write'), (c) => c.text('written'));

function serviceToken(scope?: string) {
  return signToken(key, userClaims({ sub: 'client:reporting', user_id: undefined, ...(scope ? { scope } : {}) }));
}

describe('requireScope', () => {
  it('admits a token that has the scope', async () => {
    const response = await app.request('/read', { headers: { Authorization: `Bearer ${serviceToken('tasks:read')}` } });
    expect(response.status).toBe(200);
  });

  it('answers 403 insufficient_scope naming the scopes needed', async () => {
    const response = await app.request('/write', {
      method: 'POST',
      headers: { Authorization: `Bearer ${serviceToken('tasks:read')}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="tessera", error="insufficient_scope", error_description="The token lacks a required scope: tasks:read tasks:write", scope="tasks:read tasks:write"',
    );
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 403, code: 'insufficient_scope', title: 'Forbidden' });
  });

  it('answers 403 to a token without any scope', async () => {
    const response = await app.request('/read', { headers: { Authorization: `Bearer ${serviceToken()}` } });
    expect(response.status).toBe(403);
  });

  it('still lets bearerAuth answer 401 first when there is no token', async () => {
    expect((await app.request('/read')).status).toBe(401);
  });

  it('fails at start without scopes, or with a scope that could break the header', () => {
    expect(() => requireScope()).toThrow(expect.objectContaining({ code: 'guard_config_invalid' }));
    expect(() => requireScope('a"b')).toThrow(expect.objectContaining({ code: 'guard_config_invalid' }));
    expect(() => requireScope('a b')).toThrow(expect.objectContaining({ code: 'guard_config_invalid' }));
  });

  it('refuses to run without bearerAuth in front of it', async () => {
    const bare = new Hono<{ Variables: GuardVariables }>();
    let thrown: unknown;
    bare.onError((error, c) => {
      thrown = error;
      return c.text('misconfigured', 500);
    });
    bare.get('/read', requireScope('tasks:read'), (c) => c.text('read'));
    expect((await bare.request('/read')).status).toBe(500);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/after bearerAuth/);
  });
});
