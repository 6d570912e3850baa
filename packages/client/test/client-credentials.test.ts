import type { TestAuthService, TestClient } from '@tessera/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials, OAuthError } from '../src/index.ts';
import { claimsOf, countingFetch, startAuth } from './support/auth.ts';

const TOKEN = '/api/auth/oauth2/token';

describe('clientCredentials against the real auth service', () => {
  let auth: TestAuthService;
  let client: TestClient;
  beforeAll(async () => {
    auth = await startAuth();
    client = await auth.createClient({ scopes: ['tasks:read', 'tasks:write'], audiences: ['tessera'] });
  });
  afterAll(() => auth?.close());

  const tokenUrl = () => `${auth.url}${TOKEN}`;

  it('gets a service token with HTTP Basic and caches it until shortly before it expires', async () => {
    const counter = countingFetch();
    const source = clientCredentials({
      tokenUrl: tokenUrl(),
      ...client,
      scope: ['tasks:read'],
      audience: 'tessera',
      fetch: counter.fetch,
    });
    const [first, second] = await Promise.all([source.token(), source.token()]);
    expect(second).toBe(first);
    expect(await source.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(1);
    expect(claimsOf(first)).toMatchObject({
      sub: `client:${client.clientId}`,
      client_id: client.clientId,
      scope: 'tasks:read',
      aud: 'tessera',
    });
  });

  it('refreshes once the caller clock reaches the margin before expiry, and not before', async () => {
    let skip = 0;
    const counter = countingFetch();
    const source = clientCredentials({
      tokenUrl: tokenUrl(),
      ...client,
      fetch: counter.fetch,
      now: () => Date.now() + skip,
    });
    await source.token();
    const lifetimeMs =
      ((claimsOf(await source.token()).exp as number) - (claimsOf(await source.token()).iat as number)) * 1000;
    skip = lifetimeMs - 61_000; // just before the default one-minute margin
    await source.token();
    expect(counter.count(TOKEN)).toBe(1);
    skip = lifetimeMs - 59_000;
    await source.token();
    expect(counter.count(TOKEN)).toBe(2);
  });

  it('surfaces a wrong secret as OAuthError invalid_client, without the secret anywhere in the error', async () => {
    const wrongSecret = `${client.clientSecret.slice(0, -4)}AAAA`;
    const source = clientCredentials({ tokenUrl: tokenUrl(), clientId: client.clientId, clientSecret: wrongSecret });
    const error = await source.token().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_client', status: 401 });
    const everything = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(wrongSecret);
    expect(everything).not.toContain(client.clientSecret);
  });

  it('surfaces a scope the client was not granted as OAuthError invalid_scope', async () => {
    const source = clientCredentials({ tokenUrl: tokenUrl(), ...client, scope: 'admin' });
    await expect(source.token()).rejects.toMatchObject({ code: 'oauth_error', error: 'invalid_scope', status: 400 });
  });

  it('refuses to be created without its credentials', () => {
    expect(() => clientCredentials({ tokenUrl: tokenUrl(), clientId: client.clientId, clientSecret: '' })).toThrow(
      /clientSecret is required/,
    );
  });
});
