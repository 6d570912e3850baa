import { z } from '@hono/zod-openapi';
import { countSchema } from '@tessera/config';
import { taskStatuses } from '../db/schema.ts';
import { decodeCursor } from './cursor.ts';

/** `todo`, `in_progress` or `done`. */
export const TaskStatusSchema = z.enum(taskStatuses).openapi('TaskStatus', { example: 'todo' });

// Postgres `text` cannot hold U+0000: without this check the insert fails in the database, a 500.
const noNul = (value: string) => !value.includes('\u0000');
// A lone surrogate (JSON allows `"\ud800"`) is no character: stored as UTF-8 it would silently become U+FFFD.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = (value: string) => !loneSurrogate.test(value);
const WELL_FORMED = 'must be well-formed Unicode (no lone surrogate)';
const titleSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(noNul, 'must not contain U+0000')
  .refine(wellFormed, WELL_FORMED);
const descriptionSchema = z
  .string()
  .max(5_000, 'must be at most 5000 characters')
  .refine(noNul, 'must not contain U+0000')
  .refine(wellFormed, WELL_FORMED)
  .nullable();
// Years 1–9999 in UTC: Postgres refuses year 0 (a 500 otherwise), and a later year is no ISO 8601 date-time
// without an expanded-year sign, so the API could not answer it in the format it promises.
const dueAtSchema = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
  .refine((value) => {
    const year = new Date(value).getUTCFullYear();
    // NaN: not a date-time at all, which the format check above already reports.
    return Number.isNaN(year) || (year >= 1 && year <= 9999);
  }, 'must be between years 1 and 9999 in UTC')
  .nullable();

/** A task as answered by the API. */
export const TaskSchema = z
  .object({
    id: z.uuid(),
    userId: z.string().openapi({ description: 'The owner: the subject of the token that created it.' }),
    title: z.string().openapi({ example: 'Write the launch post' }),
    description: z.string().nullable(),
    status: TaskStatusSchema,
    dueAt: z.iso.datetime().nullable().openapi({ example: '2026-12-01T09:00:00.000000Z' }),
    createdAt: z.iso.datetime().openapi({ example: '2026-11-21T20:51:37.123456Z' }),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Task');

/** One page of tasks; pass `nextCursor` as `?cursor=` for the next one (`null` on the last page). */
export const TaskPageSchema = z
  .object({
    items: z.array(TaskSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('TaskPage');

/**
 * The body of a create. Strict: unknown fields are refused, and so is `userId`, because the owner comes
 * from the token only.
 */
export const CreateTaskSchema = z
  .strictObject({
    title: titleSchema.openapi({ description: '1–200 characters after trimming', example: 'Write the launch post' }),
    description: descriptionSchema.optional().openapi({ description: 'At most 5000 characters' }),
    status: TaskStatusSchema.optional().openapi({ description: 'Default `todo`' }),
    dueAt: dueAtSchema.optional(),
  })
  .openapi('CreateTask');

/** The body of a PATCH: any non-empty subset of the create fields; `null` clears `description` or `dueAt`. */
export const UpdateTaskSchema = z
  .strictObject({
    title: titleSchema.optional(),
    description: descriptionSchema.optional(),
    status: TaskStatusSchema.optional(),
    dueAt: dueAtSchema.optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'at least one field is required',
    // Only for a body that is otherwise valid: `{ "done": true }` is about the unknown field, not emptiness.
    when: (payload) => payload.issues.length === 0,
  })
  .openapi('UpdateTask');

/** `?status=&limit=&cursor=` of a list. */
export const ListTasksQuerySchema = z.strictObject({
  // Not the TaskStatus component: its example (`todo`) would pre-fill "Try it out" and hide the other tasks.
  status: z
    .enum(taskStatuses)
    .optional()
    .openapi({
      param: { name: 'status', in: 'query' },
      description: 'Only the tasks with this status; every task when absent',
    }),
  // Decimal digits only: `z.coerce.number()` would also take `1e1`, `0x10` and `5.0`.
  limit: countSchema({ min: 1, max: 200 })
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' }, type: 'integer', minimum: 1, maximum: 200, default: 50 }),
  cursor: z
    .string()
    .transform((cursor, context) => {
      try {
        return decodeCursor(cursor);
      } catch {
        context.addIssue({ code: 'custom', message: 'is not a cursor this service issued' });
        return z.NEVER;
      }
    })
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      type: 'string',
      description: 'Opaque `nextCursor` of the previous page',
    }),
});

/** `:id` of a task. Any string is accepted here: a malformed id is simply a task that does not exist (404). */
export const TaskIdParamsSchema = z.object({
  id: z
    .string()
    .openapi({ param: { name: 'id', in: 'path' }, format: 'uuid', example: '0b7f3a52-8c1e-4d7a-9f10-2b3c4d5e6f70' }),
});

/** `:userId` of the path form: a user id, or `me` for the caller. */
export const UserIdParamsSchema = z.object({
  userId: z
    .string()
    .max(255, 'must be at most 255 characters')
    // A blank id would reach `TaskRepository.forSubject` (a TypeError, so a 500), one with U+0000 `set_config` (a
    // Postgres error, a 500 too): neither names a user, so both are refused here.
    .refine((id) => id.trim() !== '' && noNul(id), 'must be a user id or `me`')
    .openapi({
      param: { name: 'userId', in: 'path' },
      description: 'A user id, or `me` for the caller',
      example: 'me',
    }),
});

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can name a task at all; anything else answers 404 without a query. */
export function isTaskId(id: string): boolean {
  return uuidPattern.test(id);
}
