import { testDatabaseTargets } from '@tessera/db/testing';
import { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TasksApp } from '../src/app.ts';
import type { Task } from '../src/tasks/task.ts';
import { createTask, inBatches } from './support/fixtures.ts';
import { startTasksStack, type TasksStack } from './support/tasks-stack.ts';

const total = 450;
const statuses = ['todo', 'in_progress', 'done'] as const;

describe.each(testDatabaseTargets())('keyset pagination on %s', (target) => {
  let stack: TasksStack;
  let user: { userId: string; jwt: string };
  let created: Task[];
  /** The typed RPC client, as a TypeScript caller would use it. */
  let client: ReturnType<typeof hc<TasksApp>>;

  beforeAll(async () => {
    stack = await startTasksStack({ target });
    user = await stack.auth.signUp();
    client = hc<TasksApp>(stack.url, { headers: { authorization: `Bearer ${user.jwt}` } });
    created = await inBatches(
      Array.from({ length: total }, (_, n) => n),
      10,
      (n) => createTask(stack, user.jwt, { title: `task ${n}`, status: statuses[n % 3] }),
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('walks 450 tasks with no duplicate or missing task; a task created mid-walk appears at the end, once', async () => {
    const seen: Task[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let midWalk: Task | undefined;
    do {
      const response = await client.v1.tasks.$get({
        query: { limit: '40', ...(cursor === undefined ? {} : { cursor }) },
      });
      expect(response.status).toBe(200);
      if (response.status !== 200) break;
      const page = await response.json();
      expect(page.items.length).toBeLessThanOrEqual(40);
      seen.push(...page.items);
      pages++;
      if (pages === 3) midWalk = await createTask(stack, user.jwt, { title: 'created mid-walk' });
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);

    const ids = seen.map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(total + 1);
    expect(new Set(ids)).toEqual(new Set([...created.map((task) => task.id), midWalk?.id]));
    expect(seen.at(-1)?.id).toBe(midWalk?.id);
    expect(pages).toBe(Math.ceil((total + 1) / 40));
  });

  it('orders by createdAt, then id', async () => {
    const response = await client.v1.tasks.$get({ query: { limit: '200' } });
    const { items } = (await response.json()) as { items: Task[] };
    const sorted = [...items].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1,
    );
    expect(items.map((task) => task.id)).toEqual(sorted.map((task) => task.id));
  });

  it('answers 50 tasks by default and at most 200, with a cursor while more remain', async () => {
    const byDefault = await (await client.v1.tasks.$get({ query: {} })).json();
    const largest = await (await client.v1.tasks.$get({ query: { limit: '200' } })).json();
    expect('items' in byDefault && byDefault.items).toHaveLength(50);
    expect('items' in largest && largest.items).toHaveLength(200);
    expect('nextCursor' in largest && typeof largest.nextCursor).toBe('string');
  });

  it('filters by status across pages, keeping the cursor within the filter', async () => {
    const done: Task[] = [];
    let cursor: string | undefined;
    do {
      const response = await client.v1.tasks.$get({
        query: { status: 'done', limit: '60', ...(cursor === undefined ? {} : { cursor }) },
      });
      const page = (await response.json()) as { items: Task[]; nextCursor: string | null };
      done.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(done.every((task) => task.status === 'done')).toBe(true);
    expect(done.map((task) => task.id).sort()).toEqual(
      created
        .filter((task) => task.status === 'done')
        .map((task) => task.id)
        .sort(),
    );
  });

  it('answers nextCursor null on the last page', async () => {
    const other = await stack.auth.signUp();
    await createTask(stack, other.jwt, { title: 'only one' });
    const response = await stack.call('/v1/tasks?limit=1', { token: other.jwt });
    expect(await response.json()).toMatchObject({ items: [{ title: 'only one' }], nextCursor: null });
  });
});
