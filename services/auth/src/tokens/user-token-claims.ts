/** The parts of a Better Auth session that a user token is built from. */
export type SessionForClaims = {
  user: { id: string; email: string; name: string };
  session: { id: string };
};

/**
 * Claims a user token carries besides `iss`, `aud`, `iat`, `exp` and `sub` (which the JWT plugin sets to the
 * user id). Resource services read `user_id` to bind every query to one subject; `sid` names the session
 * so a token can be traced back to the sign-in that produced it.
 */
export function userTokenClaims({ user, session }: SessionForClaims): Record<string, string> {
  return { user_id: user.id, email: user.email, name: user.name, sid: session.id };
}
