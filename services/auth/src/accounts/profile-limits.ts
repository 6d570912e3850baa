import { APIError } from 'better-auth/api';

/** Longest display name a user may have. Better Auth itself accepts any length up to the body limit. */
const MAX_NAME_LENGTH = 200;

/** Refuses a name that is empty after trimming or longer than {@link MAX_NAME_LENGTH}, as 400 `invalid_name`. */
function checkName(name: unknown): void {
  if (name === undefined) return; // an update that leaves the name alone
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new APIError('BAD_REQUEST', {
      code: 'INVALID_NAME',
      message: `name must be 1 to ${MAX_NAME_LENGTH} characters`,
    });
  }
}

/**
 * Better Auth database hooks that hold every user row to the profile limits, on sign-up and on update,
 * before anything is written.
 */
export const profileLimitHooks = {
  user: {
    create: {
      before: async (user: { name?: unknown }) => {
        checkName(user.name);
      },
    },
    update: {
      before: async (user: { name?: unknown }) => {
        checkName(user.name);
      },
    },
  },
};
