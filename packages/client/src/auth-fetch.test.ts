import { Hono } from 'hono';
import { hc } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { authFetch } from './auth-fetch.ts';
import { SignedOutError } from './errors.ts';
import type { TokenSource } from './token-source.ts';

/** A source handing out `token-1`, `token-2`, … : each `clear()` makes the next `token()` a new one. */
function numberedSource() {
  let issued = 1;
  let cleared = 0;
  const source: TokenSource = {
    token: async () => `token-${issued}`,
    clear: () => {
      cleared += 1;
      issued += 1;
    },
  };
  return { source, cleared: () => cleared };
}

/** A resource server that accepts only `token-2`, answering others as RFC 6750 says; it records what it saw. */
function resourceServer(challenge = 'Bearer realm="tessera", error="invalid_token", error_description="expired"') {
  const seen: { authorization: string | undefined; body: string }[] = [];
  const app = new Hono()
    .post('/notes', async (c) => {
      seen.push({ authorization: c.req.header('authorization'), body: await c.req.text() });
      if (c.req.header('authorization') !== 'Bearer token-2')
        return c.json({ code: 'token_expired' }, 401, { 'www-authenticate': challenge });
      return c.json({ saved: true }, 201);
    })
    .get('/notes', (c) => c.json({ items: [c.req.header('authorization')] }));
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) =>
    app.request(input instanceof Request ? input : String(input), init);
  return { app, seen, fetch };
}

describe('authFetch', () => {
  it('sends the token as a Bearer, keeping the other headers', async () => {
    const { source } = numberedSource();
    const seen: Headers[] = [];
    const send = authFetch(source, async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response('ok');
    });
    await send('http://api.test/x', { headers: { accept: 'text/plain' } });
    expect(seen[0]?.get('authorization')).toBe('Bearer token-1');
    expect(seen[0]?.get('accept')).toBe('text/plain');
  });

  it('after a 401 invalid_token, drops the token and retries exactly once with a new one, body included', async () => {
    const { source, cleared } = numberedSource();
    const server = resourceServer();
    const response = await authFetch(source, server.fetch)('http://api.test/notes', {
      method: 'POST',
      body: '{"n":1}',
    });
    expect(response.status).toBe(201);
    expect(cleared()).toBe(1);
    expect(server.seen).toEqual([
      { authorization: 'Bearer token-1', body: '{"n":1}' },
      { authorization: 'Bearer token-2', body: '{"n":1}' },
    ]);
  });

  it('retries only once: a second 401 is returned to the caller', async () => {
    let issued = 0;
    const source: TokenSource = { token: async () => `stale-${issued}`, clear: () => void (issued += 1) };
    const server = resourceServer();
    const response = await authFetch(source, server.fetch)('http://api.test/notes', { method: 'POST', body: 'x' });
    expect(response.status).toBe(401);
    expect(server.seen).toHaveLength(2);
  });

  it('does not retry a 401 without invalid_token (a missing token, another scheme)', async () => {
    const { source, cleared } = numberedSource();
    const server = resourceServer('Bearer realm="tessera"');
    const response = await authFetch(source, server.fetch)('http://api.test/notes', { method: 'POST', body: 'x' });
    expect(response.status).toBe(401);
    expect([server.seen.length, cleared()]).toEqual([1, 0]);
  });

  it('never retries a stream body, which cannot be sent twice', async () => {
    const { source } = numberedSource();
    const server = resourceServer();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await authFetch(source, server.fetch)('http://api.test/notes', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(401);
    expect(server.seen).toEqual([{ authorization: 'Bearer token-1', body: 'streamed' }]);
  });

  it('rejects with the source error when the session has ended', async () => {
    const source: TokenSource = { token: () => Promise.reject(new SignedOutError()), clear: () => undefined };
    await expect(authFetch(source, resourceServer().fetch)('http://api.test/notes')).rejects.toMatchObject({
      code: 'signed_out',
    });
  });

  it('is the fetch of hono/client, typed end to end', async () => {
    const { source } = numberedSource();
    const server = resourceServer();
    const client = hc<typeof server.app>('http://api.test', { fetch: authFetch(source, server.fetch) });
    const created = await client.notes.$post();
    expect(created.status).toBe(201);
    if (created.status === 201) expect((await created.json()).saved).toBe(true);
    const listed = await (await client.notes.$get()).json();
    expect(listed.items).toEqual(['Bearer token-2']);
  });
});
