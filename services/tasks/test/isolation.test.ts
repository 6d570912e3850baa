import { testDatabaseTargets } from '@tessera/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../src/tasks/task.ts';
import { createTask, inBatches, listAll, signUpUsers, type UserWithTasks } from './support/fixtures.ts';
import { startTasksStack, type TasksStack } from './support/tasks-stack.ts';

const userCount = 20;
const tasksPerUser = 5;

describe.each(testDatabaseTargets())('isolation between users on %s', (target) => {
  let stack: TasksStack;
  let users: UserWithTasks[];
  /** Each user's tasks as they were before anyone tried to reach them. */
  let before: Map<string, Task[]>;
  /** The user whose tasks user `index` attacks: the next one, round the ring. */
  const victimOf = (index: number): UserWithTasks => users[(index + 1) % users.length] as UserWithTasks;

  beforeAll(async () => {
    stack = await startTasksStack({ target });
    const signedUp = await signUpUsers(stack, userCount);
    users = await Promise.all(
      signedUp.map(async (user, index) => ({
        ...user,
        tasks: await inBatches(
          Array.from({ length: tasksPerUser }, (_, n) => n),
          5,
          (n) => createTask(stack, user.jwt, { title: `user ${index} task ${n}`, description: 'private' }),
        ),
      })),
    );
    before = new Map(
      await Promise.all(users.map(async (user) => [user.userId, await listAll(stack, user.jwt)] as const)),
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('starts with 5 tasks per user, each listing only its own', () => {
    for (const user of users) {
      expect(
        before
          .get(user.userId)
          ?.map((task) => task.id)
          .sort(),
      ).toEqual(user.tasks.map((task) => task.id).sort());
    }
  });

  it("answers 404 to GET, PATCH and DELETE of another user's task, with the body of a task that does not exist", async () => {
    const missing = await stack.call('/v1/tasks/00000000-0000-4000-8000-000000000000', { token: users[0]?.jwt ?? '' });
    const missingBody = await missing.json();
    const statuses = await inBatches(users, 5, async (user, index) => {
      const answers: number[] = [];
      for (const task of victimOf(index).tasks) {
        for (const [method, body] of [['GET'], ['PATCH', { title: 'taken over' }], ['DELETE']] as const) {
          const response = await stack.call(`/v1/tasks/${task.id}`, {
            method,
            token: user.jwt,
            ...(body ? { body } : {}),
          });
          answers.push(response.status);
          expect(await response.json()).toEqual(missingBody);
        }
      }
      return answers;
    });
    expect(new Set(statuses.flat())).toEqual(new Set([404]));
    expect(statuses.flat()).toHaveLength(userCount * tasksPerUser * 3);
  });

  it("never lists another user's task, with or without a status filter", async () => {
    await inBatches(users, 5, async (user) => {
      for (const query of ['', 'status=todo']) {
        const listed = await listAll(stack, user.jwt, query);
        expect(listed.every((task) => task.userId === user.userId)).toBe(true);
        expect(listed).toHaveLength(tasksPerUser);
      }
    });
  });

  it('answers 403 forbidden to the path form naming another user, for reads and writes', async () => {
    await inBatches(users, 5, async (user, index) => {
      const path = `/v1/users/${victimOf(index).userId}/tasks`;
      const read = await stack.call(path, { token: user.jwt });
      const write = await stack.call(path, { method: 'POST', token: user.jwt, body: { title: 'planted' } });
      expect([read.status, write.status]).toEqual([403, 403]);
      expect((await read.json()).code).toBe('forbidden');
      expect((await write.json()).code).toBe('forbidden');
    });
  });

  it("answers the caller's own tasks for the path form with `me` or their own id", async () => {
    const user = users[3] as UserWithTasks;
    for (const id of ['me', user.userId]) {
      const response = await stack.call(`/v1/users/${id}/tasks`, { token: user.jwt });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { items: Task[] }).items.map((task) => task.id).sort()).toEqual(
        user.tasks.map((task) => task.id).sort(),
      );
    }
  });

  it('refuses a userId in the body with 400 naming the field, on every write route', async () => {
    await inBatches(users, 5, async (user, index) => {
      const victim = victimOf(index);
      const attempts = [
        stack.call('/v1/tasks', { method: 'POST', token: user.jwt, body: { title: 'planted', userId: victim.userId } }),
        stack.call('/v1/users/me/tasks', {
          method: 'POST',
          token: user.jwt,
          body: { title: 'planted', userId: victim.userId },
        }),
        stack.call(`/v1/tasks/${user.tasks[0]?.id}`, {
          method: 'PATCH',
          token: user.jwt,
          body: { userId: victim.userId },
        }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(400);
        const problem = (await response.json()) as { code: string; errors: { path: string }[] };
        expect(problem.code).toBe('validation_failed');
        expect(problem.errors.map((error) => error.path)).toContain('userId');
      }
    });
  });

  it('changed nothing: every user still has exactly the tasks they had', async () => {
    const after = await Promise.all(users.map(async (user) => [user.userId, await listAll(stack, user.jwt)] as const));
    for (const [userId, tasks] of after) expect(tasks).toEqual(before.get(userId));
  });
});
