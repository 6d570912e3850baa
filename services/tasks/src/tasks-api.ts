import type { GuardVariables } from '@tessera/guard';
import { createRouter, type ServerVariables } from '@tessera/server';
import type { Context, MiddlewareHandler } from 'hono';
import { answerDatabaseFaults, taskNotFound } from './errors.ts';
import {
  createOwnTaskRoute,
  createUserTaskRoute,
  deleteTaskRoute,
  getTaskRoute,
  listOwnTasksRoute,
  listUserTasksRoute,
  updateTaskRoute,
} from './routes/task-routes.ts';
import { type CallerSubject, namedSubject, ownSubject, type TaskAccess } from './tasks/caller-subject.ts';
import type { TaskRepository } from './tasks/task-repository.ts';
import { isTaskId } from './tasks/task-schemas.ts';

/** The typed context of the task routes: the server's request id and logger, and the guard's principal. */
export type TasksEnv = { Variables: ServerVariables & GuardVariables };

/** What the task routes need from the service around them. */
export type TasksApiOptions = {
  /** The repository of one subject's tasks (`TaskRepository.forSubject` over the service's database). */
  tasksFor: (subject: string) => TaskRepository;
  /** Admits a request and sets `c.var.principal`: `bearerAuth` from `@tessera/guard`, or the service's `authenticate` option. */
  authenticate: MiddlewareHandler<{ Variables: GuardVariables }>;
};

/**
 * The tasks API: every `/v1` route, authenticated, validated strictly, and bound to one subject.
 * Routes are chained so the returned app's type carries every route for `hono/client`.
 */
export function createTasksApi({ tasksFor, authenticate }: TasksApiOptions) {
  const api = createRouter<GuardVariables>();
  api.use('/v1/*', authenticate);
  api.onError(answerDatabaseFaults);

  /**
   * Resolves the subject of the path form. A service reaching a user's tasks is an audit event: it is
   * logged with its client id, granted or not (never the token).
   */
  const userSubject = (c: Context<TasksEnv>, userId: string, access: TaskAccess): CallerSubject => {
    const { principal } = c.var;
    const audit = { clientId: principal.clientId, userId, access, method: c.req.method, route: c.req.routePath };
    try {
      const caller = namedSubject(principal, userId, access);
      if (caller.onBehalfOf !== undefined)
        c.var.log.info({ event: 'service_access', ...audit }, 'service token accessed user tasks');
      return caller;
    } catch (error) {
      if (principal.kind === 'service')
        c.var.log.warn({ event: 'service_access_denied', ...audit }, 'service token refused on user tasks');
      throw error;
    }
  };

  /** The caller's task id from the path; a malformed one is just a task that does not exist. */
  const taskId = (id: string): string => {
    if (!isTaskId(id)) throw taskNotFound();
    return id;
  };

  return api
    .openapi(listOwnTasksRoute, async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await tasksFor(ownSubject(c.var.principal).subject).list({ status, limit, after: cursor });
      return c.json(page, 200);
    })
    .openapi(createOwnTaskRoute, async (c) => {
      const task = await tasksFor(ownSubject(c.var.principal).subject).create(c.req.valid('json'));
      return c.json(task, 201);
    })
    .openapi(getTaskRoute, async (c) => {
      const task = await tasksFor(ownSubject(c.var.principal).subject).get(taskId(c.req.valid('param').id));
      if (task === null) throw taskNotFound();
      return c.json(task, 200);
    })
    .openapi(updateTaskRoute, async (c) => {
      const { subject } = ownSubject(c.var.principal);
      const task = await tasksFor(subject).update(taskId(c.req.valid('param').id), c.req.valid('json'));
      if (task === null) throw taskNotFound();
      return c.json(task, 200);
    })
    .openapi(deleteTaskRoute, async (c) => {
      const deleted = await tasksFor(ownSubject(c.var.principal).subject).delete(taskId(c.req.valid('param').id));
      if (!deleted) throw taskNotFound();
      return c.body(null, 204);
    })
    .openapi(listUserTasksRoute, async (c) => {
      const { subject } = userSubject(c, c.req.valid('param').userId, 'read');
      const { status, limit, cursor } = c.req.valid('query');
      return c.json(await tasksFor(subject).list({ status, limit, after: cursor }), 200);
    })
    .openapi(createUserTaskRoute, async (c) => {
      const { subject } = userSubject(c, c.req.valid('param').userId, 'write');
      return c.json(await tasksFor(subject).create(c.req.valid('json')), 201);
    });
}

/** The typed routes of the tasks API, for `hc<TasksApi>(url)` from `hono/client`. */
export type TasksApi = ReturnType<typeof createTasksApi>;
