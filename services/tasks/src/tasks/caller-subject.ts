import type { Principal } from '@tessera/guard';
import { insufficientScope, otherUserForbidden, userSubjectRequired } from '../errors.ts';

/** What a route does with the tasks it reaches; decides the scope a service token needs. */
export type TaskAccess = 'read' | 'write';

/**
 * Scopes that grant each access to service tokens. Writing implies reading, so a client holding only
 * `tasks:write` can read back what it wrote.
 */
const scopesFor = {
  read: ['tasks:read', 'tasks:write'],
  write: ['tasks:write'],
} as const satisfies Record<TaskAccess, readonly [string, ...string[]]>;

/** Who the request acts for, and whether it was a service acting on a user's behalf (to be logged). */
export type CallerSubject = { subject: string; onBehalfOf: { clientId: string } | undefined };

/**
 * The subject of `/v1/tasks` routes: the calling user. A service token has no tasks of its own and
 * gets 403, whatever its scopes.
 */
export function ownSubject(principal: Principal): CallerSubject {
  if (principal.kind !== 'user' || principal.userId === undefined) throw userSubjectRequired();
  return { subject: principal.userId, onBehalfOf: undefined };
}

/**
 * The subject of `/v1/users/:userId/tasks`. A user may name only themself (`me` or their own id; anyone
 * else is 403). A service may name any user if it holds a scope granting `access`; `me` means nobody for
 * a service, so it is 403 too.
 */
export function namedSubject(principal: Principal, userId: string, access: TaskAccess): CallerSubject {
  if (principal.kind === 'user') {
    const own = ownSubject(principal);
    if (userId !== 'me' && userId !== own.subject) throw otherUserForbidden();
    return own;
  }
  if (!scopesFor[access].some((scope) => principal.scopes.has(scope))) throw insufficientScope(scopesFor[access][0]);
  if (userId === 'me' || principal.clientId === undefined) throw userSubjectRequired();
  return { subject: userId, onBehalfOf: { clientId: principal.clientId } };
}
