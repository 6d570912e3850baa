import type { TaskStatus } from '../db/schema.ts';

export type { TaskStatus } from '../db/schema.ts';

/** A task as the API shows it. Timestamps are UTC ISO 8601 with microseconds, as stored. */
export type Task = {
  id: string;
  userId: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** What a caller may set when creating a task; the owner is never part of it (it is the subject). */
export type NewTask = {
  title: string;
  description?: string | null | undefined;
  status?: TaskStatus | undefined;
  dueAt?: string | null | undefined;
};

/** A partial update: only the fields present change. */
export type TaskPatch = Partial<NewTask>;

/** One page of a list: the tasks, and the cursor of the next page (`null` on the last page). */
export type TaskPage = { items: Task[]; nextCursor: string | null };
