import type { BetterAuthOptions } from 'better-auth';

/** One operation of Better Auth's OpenAPI document, by its path under `/api/auth` and its method. */
export type RouteOperation = { path: string; method: 'get' | 'post' };

const both = (path: string): RouteOperation[] => [
  { path, method: 'get' },
  { path, method: 'post' },
];

/**
 * The Better Auth routes that only answer 404, 400 or 405 with these options, so the API description leaves them
 * out: social sign-in and linked accounts without a social provider, password reset without `sendResetPassword`,
 * email verification without `sendVerificationEmail`, change-email and delete-user while they are not enabled,
 * and the HTML error page of OAuth redirects.
 */
export function unavailableRoutes(options: BetterAuthOptions): RouteOperation[] {
  const unavailable: RouteOperation[] = [
    { path: '/get-session', method: 'post' }, // 405 unless `session.deferSessionRefresh`
    ...both('/error'),
  ];
  if (Object.keys(options.socialProviders ?? {}).length === 0) {
    for (const path of [
      '/sign-in/social',
      '/callback/{id}',
      '/link-social',
      '/unlink-account',
      '/refresh-token',
      '/get-access-token',
      '/account-info',
    ]) {
      unavailable.push(...both(path));
    }
  }
  if (options.emailAndPassword?.sendResetPassword === undefined) {
    for (const path of ['/request-password-reset', '/reset-password', '/reset-password/{token}'])
      unavailable.push(...both(path));
  }
  if (options.emailVerification?.sendVerificationEmail === undefined) {
    for (const path of ['/verify-email', '/send-verification-email']) unavailable.push(...both(path));
  }
  if (options.user?.changeEmail?.enabled !== true) unavailable.push(...both('/change-email'));
  if (options.user?.deleteUser?.enabled !== true) {
    for (const path of ['/delete-user', '/delete-user/callback']) unavailable.push(...both(path));
  }
  return unavailable;
}

/** Better Auth's `paths` without the operations of {@link unavailableRoutes}, and without paths left empty. */
export function withoutUnavailableRoutes(
  paths: Record<string, unknown>,
  unavailable: RouteOperation[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(paths)) {
    const operations = { ...(item as Record<string, unknown>) };
    for (const route of unavailable) if (route.path === path) delete operations[route.method];
    if (
      Object.keys(operations).some(
        (key) => key === 'get' || key === 'post' || key === 'put' || key === 'patch' || key === 'delete',
      )
    )
      kept[path] = operations;
  }
  return kept;
}
