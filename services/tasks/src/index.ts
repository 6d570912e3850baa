export type { DatabaseLimits, TasksApp, TasksService, TasksServiceOptions } from './app.ts';
export { createTasksService, createTasksVerifier } from './app.ts';
export type { TasksConfig, TokenVerification } from './config.ts';
export { loadTasksConfig } from './config.ts';
export type { NewTask, Task, TaskPage, TaskPatch, TaskStatus } from './tasks/task.ts';
export type { TasksApi, TasksEnv } from './tasks-api.ts';
