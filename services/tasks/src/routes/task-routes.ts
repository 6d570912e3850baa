import { createRoute } from '@hono/zod-openapi';
import { CreateTaskSchema, ListTasksQuerySchema, TaskIdParamsSchema, TaskPageSchema, TaskSchema, UpdateTaskSchema, UserIdParamsSchema } from '../tasks/task-schemas.ts';
import { problemResponses } from './problem-responses.ts';

/** Every task route requires a bearer JWT (the `bearerAuth` security scheme registered by the app). */
const security = [{ bearerAuth: [] }];
const tags = ['tasks'];

const json = <T>(schema: T) => ({ content: { 'application/json': { schema } } });
const body = <T>(schema: T) => ({ body: { required: true, ...json(schema) } });

const readErrors = {
  400: problemResponses.badRequest,
  401: problemResponses.unauthorized,
  403: problemResponses.forbidden,
  503: problemResponses.unavailable,
} as const;
const writeErrors = { ...readErrors, 413: problemResponses.payloadTooLarge, 415: problemResponses.unsupportedMediaType } as const;

/** `GET /v1/tasks`: the calling user's tasks. */
export const listOwnTasksRoute = createRoute({
  operationId: 'listTasks',
  method: 'get',
  path: '/v1/tasks',
  tags,
  security,
  summary: "List the caller's tasks",
  description: 'Ordered by `createdAt` then `id`; keyset-paginated with `cursor`. Service tokens get 403: use the path form.',
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
  summary: 'Get one of the caller\'s tasks',
  request: { params: TaskIdParamsSchema },
  responses: { 200: { description: 'The task', ...json(TaskSchema) }, ...readErrors, 404: problemResponses.notFound },
});

/** `PATCH /v1/tasks/{id}`: partial update; an empty patch is refused. */
export const updateTaskRoute = createRoute({
  operationId: 'updateTask',
  method: 'patch',
  path: '/v1/tasks/{id}',
  tags,
  security,
  summary: 'Update some fields of one of the caller\'s tasks',
  request: { params: TaskIdParamsSchema, ...body(UpdateTaskSchema) },
  responses: { 200: { description: 'The updated task', ...json(TaskSchema) }, ...writeErrors, 404: problemResponses.notFound },
});

/** `DELETE /v1/tasks/{id}`. */
export const deleteTaskRoute = createRoute({
  operationId: 'deleteTask',
  method: 'delete',
  path: '/v1/tasks/{id}',
  tags,
  security,
  summary: 'Delete one of the caller\'s tasks',
  request: { params: TaskIdParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...readErrors, 404: problemResponses.notFound },
});

const pathFormDescription =
  'User tokens: `userId` must be `me` or the caller\'s own id, else 403. Service tokens may name any user with scope `tasks:read` (reads; `tasks:write` also grants reads) or `tasks:write` (writes); each such access is logged with the client id.';

/** `GET /v1/users/{userId}/tasks`. */
export const listUserTasksRoute = createRoute({
  operationId: 'listUserTasks',
  method: 'get',
  path: '/v1/users/{userId}/tasks',
  tags,
  security,
  summary: 'List a user\'s tasks',
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
