import type { Task, TaskPage } from '../../src/tasks/task.ts';
import type { TasksStack } from './tasks-stack.ts';

/** A signed-up user with a real JWT and the tasks created for them. */
export type UserWithTasks = { userId: string; jwt: string; tasks: Task[] };

/** Signs up `count` users through the real auth service, in parallel. */
export async function signUpUsers(stack: TasksStack, count: number): Promise<{ userId: string; jwt: string }[]> {
  return Promise.all(Array.from({ length: count }, () => stack.auth.signUp()));
}

/** Creates a task over HTTP and returns it; fails the test on anything but 201. */
export async function createTask(
  stack: TasksStack,
  token: string,
  body: Record<string, unknown>,
  path = '/v1/tasks',
): Promise<Task> {
  const response = await stack.call(path, { method: 'POST', token, body });
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Task;
}

/** Every task the token's user can list, walking all pages. */
export async function listAll(stack: TasksStack, token: string, query = ''): Promise<Task[]> {
  const items: Task[] = [];
  let cursor: string | null = null;
  do {
    const separator = query === '' ? '' : '&';
    const response = await stack.call(
      `/v1/tasks?limit=200${separator}${query}${cursor === null ? '' : `&cursor=${cursor}`}`,
      { token },
    );
    if (response.status !== 200) throw new Error(`list answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as TaskPage;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the machine (2 shared cores) responsive. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}
