import { createServer } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { launchService } from './start-service.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A service whose app answers one route and which records whether it was closed. */
function fakeService() {
  const state = { closed: 0 };
  const app = new Hono().get('/hello', (c) => c.text('hello'));
  return { state, create: async () => ({ app, close: async () => void state.closed++ }) };
}

describe('launchService', () => {
  it('builds the service from its config, listens on its port, and closes it on shutdown', async () => {
    const { state, create } = fakeService();
    const seen: unknown[] = [];
    const { server } = await launchService({
      name: 'notes',
      loadConfig: () => ({ port: 0, hostname: '127.0.0.1', logLevel: 'silent' as const }),
      create: async (config, { logger }) => {
        seen.push(config.port, typeof logger.info);
        return create();
      },
    });
    closers.push(() => server.close());
    expect(seen).toEqual([0, 'function']);
    expect(await (await fetch(`${server.url}/hello`)).text()).toBe('hello');
    await server.close();
    expect(state.closed).toBe(1);
  });

  it('closes the service it built when it cannot listen', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const { state, create } = fakeService();
    await expect(
      launchService({
        name: 'notes',
        loadConfig: () => ({ port, hostname: '127.0.0.1', logLevel: 'silent' as const }),
        create,
      }),
    ).rejects.toThrow();
    expect(state.closed).toBe(1);
  });

  it('builds nothing when the config is refused', async () => {
    const { state, create } = fakeService();
    const refused = new Error('Invalid configuration');
    await expect(
      launchService({
        name: 'notes',
        loadConfig: () => {
          throw refused;
        },
        create,
      }),
    ).rejects.toBe(refused);
    expect(state.closed).toBe(0);
  });
});
