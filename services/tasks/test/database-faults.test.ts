import { testDatabaseTargets } from '@tessera/db/testing';
import { startTcpProxy, type TcpProxy } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskPage } from '../src/tasks/task.ts';
import { createTask } from './support/fixtures.ts';
import { startTasksStack, type TasksStack } from './support/tasks-stack.ts';

/** Checks the 503 every database fault must answer: problem+json, `database_unavailable`, `Retry-After`. */
async function expectDatabaseUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  const problem = (await response.json()) as { code: string; detail: string };
  expect(problem.code).toBe('database_unavailable');
  // Internals never reach the response.
  expect(JSON.stringify(problem)).not.toMatch(/select|insert|tasks"|ECONN|postgres/i);
}

describe.skipIf(!testDatabaseTargets().includes('postgres'))('Postgres outage and recovery', () => {
  let stack: TasksStack;
  let proxy: TcpProxy;
  let user: { userId: string; jwt: string };

  beforeAll(async () => {
    const upstream = new URL(process.env.TEST_DATABASE_URL ?? '');
    proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    stack = await startTasksStack({
      target: 'postgres',
      databaseUrl: (url) => {
        const proxied = new URL(url);
        proxied.hostname = '127.0.0.1';
        proxied.port = String(proxy.port);
        return proxied.href;
      },
      service: { databaseLimits: { statementTimeoutMs: 1_000, deadlineMs: 1_500 } },
    });
    user = await stack.auth.signUp();
    await createTask(stack, user.jwt, { title: 'before the outage' });
  });

  afterAll(async () => {
    await proxy?.restore();
    await stack?.close();
    await proxy?.close();
  });

  const titles = async () =>
    ((await (await stack.call('/v1/tasks', { token: user.jwt })).json()) as TaskPage).items.map((task) => task.title);

  it('answers 503 database_unavailable with Retry-After while the database is gone, for reads and writes', async () => {
    await proxy.cut();
    await expectDatabaseUnavailable(await stack.call('/v1/tasks', { token: user.jwt }));
    await expectDatabaseUnavailable(
      await stack.call('/v1/tasks', { method: 'POST', token: user.jwt, body: { title: 'during the outage' } }),
    );
    const ready = await stack.call('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    // The keys are still there; the database is what is missing, and /readyz says so.
    expect(await ready.json()).toMatchObject({
      code: 'not_ready',
      checks: { database: expect.stringMatching(/^(failed|timeout)$/), keys: 'ok', revocations: 'ok' },
    });
  });

  it('recovers by itself when the database returns, with nothing half-written', async () => {
    await proxy.restore();
    await expect
      .poll(async () => (await stack.call('/v1/tasks', { token: user.jwt })).status, { timeout: 10_000, interval: 200 })
      .toBe(200);
    expect(await titles()).toEqual(['before the outage']);
    const ready = await stack.call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', keys: 'ok', revocations: 'ok' },
    });
    await createTask(stack, user.jwt, { title: 'after the outage' });
    expect(await titles()).toEqual(['before the outage', 'after the outage']);
  });

  it('rolls a create back when the connection dies between the INSERT and its commit', async () => {
    // A create is one transaction: BEGIN, the subject scope, the INSERT, COMMIT, each sent once the one before has
    // answered. The proxy forwards the chunk that carries the title (the INSERT's Bind and Execute) and kills the
    // connection at the next one, the COMMIT: the server ran the INSERT but never commits it.
    let insertSent = false;
    proxy.dropWhen((chunk) => {
      if (insertSent) return true;
      insertSent = chunk.includes('lost before its end');
      return false;
    });
    await expectDatabaseUnavailable(
      await stack.call('/v1/tasks', { method: 'POST', token: user.jwt, body: { title: 'lost before its end' } }),
    );
    expect(insertSent).toBe(true);
    await expect
      .poll(async () => (await stack.call('/v1/tasks', { token: user.jwt })).status, { timeout: 10_000, interval: 200 })
      .toBe(200);
    expect(await titles()).toEqual(['before the outage', 'after the outage']);
  });

  it('answers 503 when the database stops answering (timeout), then recovers', async () => {
    proxy.stall();
    const started = Date.now();
    await expectDatabaseUnavailable(await stack.call('/v1/tasks', { token: user.jwt }));
    expect(Date.now() - started).toBeLessThan(5_000);
    // Connections that saw the stall may hold half a conversation: drop them as a real failover would.
    await proxy.cut();
    await proxy.restore();
    await expect
      .poll(async () => (await stack.call('/v1/tasks', { token: user.jwt })).status, { timeout: 10_000, interval: 200 })
      .toBe(200);
    expect(await titles()).toEqual(['before the outage', 'after the outage']);
  });
});

describe('embedded PGlite closed', () => {
  let stack: TasksStack;
  let jwt: string;

  beforeAll(async () => {
    stack = await startTasksStack({ target: 'memory://' });
    ({ jwt } = await stack.auth.signUp());
    await createTask(stack, jwt, { title: 'stored' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 503 database_unavailable, not 500, once the embedded database is gone', async () => {
    await stack.tasks.database.close();
    await expectDatabaseUnavailable(await stack.call('/v1/tasks', { token: jwt }));
    await expectDatabaseUnavailable(
      await stack.call('/v1/tasks', { method: 'POST', token: jwt, body: { title: 'lost' } }),
    );
    const ready = await stack.call('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'not_ready', checks: { database: 'failed', keys: 'ok' } });
  });
});
