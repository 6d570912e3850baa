import { validationProblem } from '@tessera/server';
import { z } from 'zod';

/** Why a `userId` in a body is refused: the owner of a task is the token's subject, never the client's say. */
const ownerFieldMessage = 'is not accepted: the owner comes from the token';

/**
 * zod reports unknown fields as one issue at the object's own path (`keys: ['userId', 'x']`). Every 400
 * must name each failing field, so each unknown key becomes an issue at its own path.
 */
function issuePerField(error: z.ZodError): z.ZodError {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          ...issue,
          keys: [key],
          path: [...issue.path, key],
          message: key === 'userId' ? ownerFieldMessage : 'is not a known field',
        }))
      : [issue],
  );
  return new z.ZodError(issues);
}

/**
 * The `defaultHook` of the tasks routes: any invalid param, query or body becomes the shared 400
 * `validation_failed` problem, listing every failing field by path.
 */
export function tasksValidationHook(result: { success: true } | { success: false; error: z.ZodError }): void {
  if (!result.success) throw validationProblem(issuePerField(result.error));
}
