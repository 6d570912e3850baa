/**
 * Child process of the HTTP benchmark: the real auth service (`startTestAuthService`: Better Auth, JWKS mode,
 * EdDSA) on an ephemeral loopback port, with one user signed up through its real API.
 */
import { startTestAuthService } from '@tessera/auth/testing';
import { type ChildRequest, childInput, runAsChild } from './http-processes.ts';

export type AuthServerInput = {
  /** `AUTH_DATABASE_URL`: `memory://` (PGlite) or a fresh Postgres database. */
  databaseUrl: string;
};

/** The auth service's URL and the seeded user's credentials (kept in memory, never logged). */
export type AuthServerReady = { url: string; userId: string; jwt: string; sessionToken: string };

const { databaseUrl } = childInput<AuthServerInput>();

await runAsChild<AuthServerReady>(async () => {
  // A one-hour JWT, so no token expires during a run however slow the machine is.
  const auth = await startTestAuthService({ AUTH_DATABASE_URL: databaseUrl, JWT_TTL: '1h' });
  try {
    const user = await auth.signUp({ name: 'Bench User' });
    // `{ type: 'session', userId }`: a new session (for the revocation benchmark), its signed token as the reply.
    const handle = (message: ChildRequest) => {
      if (message.type !== 'session' || typeof message.userId !== 'string')
        throw new Error(`cannot handle ${message.type}`);
      return auth.openSession(message.userId);
    };
    return {
      payload: { url: auth.url, userId: user.userId, jwt: user.jwt, sessionToken: user.sessionToken },
      stop: () => auth.close(),
      handle,
    };
  } catch (error) {
    await auth.close();
    throw error;
  }
});
