import type { BetterAuthPlugin } from 'better-auth';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { isCommonPassword } from './password-list.ts';

/** The message of the 400 a refused password gets; its code is `PASSWORD_COMPROMISED` (`password_compromised` as problem+json). */
export const COMMON_PASSWORD_MESSAGE =
  'This password is one of the most commonly used and breached ones. Please choose a different password.';

/** Every route that sets a password, with the body field that carries the new one. */
const NEW_PASSWORD_FIELD: Readonly<Record<string, string>> = {
  '/sign-up/email': 'password',
  '/change-password': 'newPassword',
  '/reset-password': 'newPassword',
  '/set-password': 'newPassword',
};

/**
 * Refuses a commonly breached password wherever a password is set (sign-up, change, reset), before the route
 * runs: 400 with code `PASSWORD_COMPROMISED`, whether or not the account exists. Unlike Better Auth's
 * `haveIBeenPwned` plugin it makes no network call; the list ships with the service.
 */
export function commonPasswords() {
  return {
    id: 'common-passwords',
    hooks: {
      before: [
        {
          matcher: (context) => context.path !== undefined && NEW_PASSWORD_FIELD[context.path] !== undefined,
          handler: createAuthMiddleware(async (context) => {
            const field = NEW_PASSWORD_FIELD[context.path ?? ''];
            const body: unknown = context.body;
            const password =
              field === undefined || typeof body !== 'object' || body === null
                ? undefined
                : (body as Record<string, unknown>)[field];
            if (typeof password === 'string' && isCommonPassword(password)) {
              throw new APIError('BAD_REQUEST', { code: 'PASSWORD_COMPROMISED', message: COMMON_PASSWORD_MESSAGE });
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
