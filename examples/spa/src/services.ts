import { authFetch, browserSession } from '@tessera/client';
import type { TasksApi } from '@tessera/tasks';
import { createAuthClient } from 'better-auth/react';
import { hc } from 'hono/client';

const authUrl = import.meta.env.TESSERA_AUTH_URL || 'http://localhost:3000';
const tasksUrl = import.meta.env.TESSERA_TASKS_URL || 'http://localhost:3001';

/** Better Auth's React client: sign-up, sign-in and the session (its cookie lives on the auth service's origin). */
export const authClient = createAuthClient({ baseURL: authUrl, fetchOptions: { credentials: 'include' } });

/** JWTs for the session, refreshed before they expire, one refresh shared by every tab. */
export const session = browserSession({ authUrl });

/** The tasks API, typed from the service's routes, every call with a Bearer token. */
export const tasksApi = hc<TasksApi>(tasksUrl, { fetch: authFetch(session) });
