import { APIError } from 'better-auth/api';

/** Longest display name a user may have. Better Auth itself accepts any length up to the body limit. */
const MAX_NAME_LENGTH = 200;

/** Postgres text cannot hold U+0000: a value with one fails in the database, so it is refused here first. */
const NUL = '\u0000';

/** Refuses a name that is empty after trimming, longer than {@link MAX_NAME_LENGTH} or holds a NUL, as 400 `invalid_name`. */
function checkName(name: unknown): void {
  if (name === undefined) return; // an update that leaves the name alone
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new APIError('BAD_REQUEST', {
      code: 'INVALID_NAME',
      message: `name must be 1 to ${MAX_NAME_LENGTH} characters`,
    });
  }
  if (name.includes(NUL))
    throw new APIError('BAD_REQUEST', { code: 'INVALID_NAME', message: 'name must not contain a NUL character' });
}

/** Refuses an image URL that holds a NUL, as 400 `invalid_image`; `null` clears the image. */
function checkImage(image: unknown): void {
  if (typeof image === 'string' && image.includes(NUL)) {
    throw new APIError('BAD_REQUEST', { code: 'INVALID_IMAGE', message: 'image must not contain a NUL character' });
  }
}

function checkProfile(user: { name?: unknown; image?: unknown }): void {
  checkName(user.name);
  checkImage(user.image);
}

/**
 * Better Auth database hooks that hold every user row to the profile limits, on sign-up and on update,
 * before anything is written.
 */
export const profileLimitHooks = {
  user: {
    create: {
      before: async (user: { name?: unknown; image?: unknown }) => {
        checkProfile(user);
      },
    },
    update: {
      before: async (user: { name?: unknown; image?: unknown }) => {
        checkProfile(user);
      },
    },
  },
};
