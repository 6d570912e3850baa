import { createRoute } from '@hono/zod-openapi';
import { kitProblemResponses, problemResponse } from '@tessera/server';
import {
  CreateTaskSchema,
  ListTasksQuerySchema,
  TaskIdParamsSchema,
  TaskPageSchema,
  TaskSchema,
  UpdateTaskSchema,
  UserIdParamsSchema,
} from '../tasks/task-schemas.ts';

/** Every task route requires a bearer JWT (the `bearerAuth` security scheme registered by the app). */
const security = [{ bearerAuth: [] }];
const tags = ['tasks'];

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T>(schema: T) => ({ body: { required: true, ...json(schema) } });

/** The errors of the task routes themselves; the kit's own (400, 401, 413, 415) are documented by `@tessera/server`. */
const taskProblems = {
  forbidden: problemResponse(
    'Not allowed: another user named in the path (`forbidden`), a service token on a user-only route (`user_subject_required`), or a missing scope (`insufficient_scope`)',
    {
      'WWW-Authenticate': {
        description: 'With `insufficient_scope` only: the RFC 6750 §3 challenge naming the scope needed',
        schema: { type: 'string' },
      },
    },
  ),
  notFound: problemResponse("No such task for this caller (`task_not_found`); someone else's task looks the same"),
  unavailable: problemResponse(
    'The database or the verification keys are unavailable (`database_unavailable`, `keys_unavailable`); retry later',
    {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
    },
  ),
} as const;

const readErrors = {
  400: kitProblemResponses.badRequest,
  401: kitProblemResponses.unauthorized,
  403: taskProblems.forbidden,
  503: taskProblems.unavailable,
} as const;
const writeErrors = {
  ...readErrors,
  413: kitProblemResponses.payloadTooLarge,
  415: kitProblemResponses.unsupportedMediaType,
} as const;

/** `GET /v1/tasks`: the calling user's tasks. */
export const listOwnTasksRoute = createRoute({
  operationId: 'listTasks',
  method: 'get',
  path: '/v1/tasks',
  tags,
  security,
  summary: "List the caller's tasks",
  description:
    'Ordered by `createdAt` then `id`; keyset-paginated with `cursor`. Service tokens get 403: use the path form.',
  request: { query: ListTasksQuerySchema },
  responses: { 200: { description: 'A page of tasks', ...json(TaskPageSchema) }, ...readErrors },
});

/** `POST /v1/tasks`: create a task owned by the calling user. */
export const createOwnTaskRoute = createRoute({
  operationId: 'createTask',
  method: 'post',
  path: '/v1/tasks',
  tags,
  security,
  summary: 'Create a task for the caller',
  description: 'The owner is the token subject; a `userId` in the body is refused.',
  request: body(CreateTaskSchema),
  responses: { 201: { description: 'The created task', ...json(TaskSchema) }, ...writeErrors },
});

/** `GET /v1/tasks/{id}`. */
export const getTaskRoute = createRoute({
  operationId: 'getTask',
  method: 'get',
  path: '/v1/tasks/{id}',
  tags,
  security,
  summary: "Get one of the caller's tasks",
  request: { params: TaskIdParamsSchema },
  responses: { 200: { description: 'The task', ...json(TaskSchema) }, ...readErrors, 404: taskProblems.notFound },
});

/** `PATCH /v1/tasks/{id}`: partial update; an empty patch is refused. */
export const updateTaskRoute = createRoute({
  operationId: 'updateTask',
  method: 'patch',
  path: '/v1/tasks/{id}',
  tags,
  security,
  summary: "Update some fields of one of the caller's tasks",
  request: { params: TaskIdParamsSchema, ...body(UpdateTaskSchema) },
  responses: {
    200: { description: 'The updated task', ...json(TaskSchema) },
    ...writeErrors,
    404: taskProblems.notFound,
  },
});

/** `DELETE /v1/tasks/{id}`. */
export const deleteTaskRoute = createRoute({
  operationId: 'deleteTask',
  method: 'delete',
  path: '/v1/tasks/{id}',
  tags,
  security,
  summary: "Delete one of the caller's tasks",
  request: { params: TaskIdParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...readErrors, 404: taskProblems.notFound },
});

const pathFormDescription =
  "User tokens: `userId` must be `me` or the caller's own id, else 403. Service tokens may name any user with scope `tasks:read` (reads; `tasks:write` also grants reads) or `tasks:write` (writes); each such access is logged with the client id.";

/** `GET /v1/users/{userId}/tasks`. */
export const listUserTasksRoute = createRoute({
  operationId: 'listUserTasks',
  method: 'get',
  path: '/v1/users/{userId}/tasks',
  tags,
  security,
  summary: "List a user's tasks",
  description: pathFormDescription,
  request: { params: UserIdParamsSchema, query: ListTasksQuerySchema },
  responses: { 200: { description: 'A page of tasks', ...json(TaskPageSchema) }, ...readErrors },
});

/** `POST /v1/users/{userId}/tasks`. */
export const createUserTaskRoute = createRoute({
  operationId: 'createUserTask',
  method: 'post',
  path: '/v1/users/{userId}/tasks',
  tags,
  security,
  summary: 'Create a task for a user',
  description: pathFormDescription,
  request: { params: UserIdParamsSchema, ...body(CreateTaskSchema) },
  responses: { 201: { description: 'The created task', ...json(TaskSchema) }, ...writeErrors },
});
