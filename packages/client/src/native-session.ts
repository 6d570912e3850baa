import { authRoute, type Fetch, fetchOr, postJson, requestUserToken } from './auth-requests.ts';
import { InvalidResponseError, RequestFailedError, SignedOutError } from './errors.ts';
import { createRefreshingToken, type RefreshOptions, timingOf } from './refreshing-token.ts';
import { createSignedOutEvents, type SignedOutListener } from './signed-out-events.ts';
import type { TokenSource } from './token-source.ts';

/** Where a native app keeps its one session token: a secure store on a phone, a 0600 file for a CLI. */
export type SessionStorage = {
  get(): Promise<string | null | undefined> | string | null | undefined;
  set(sessionToken: string): Promise<void> | void;
  delete(): Promise<void> | void;
};

/** Options of {@link nativeSession}. */
export type NativeSessionOptions = RefreshOptions & {
  /** The auth service's base URL, e.g. `https://auth.example.com`; Better Auth is under `/api/auth`. */
  authUrl: string;
  /** Keeps the session token (Better Auth's `set-auth-token`) between runs. */
  storage: SessionStorage;
  /**
   * The HTTP client. Default: the platform's `fetch`. It must not add `Origin` or `Sec-Fetch-*` headers, which
   * make the auth service treat the request as a browser's: React Native's `fetch` does not, Node's does
   * (use `nativeFetch` from `@tessera/client/node` there).
   */
  fetch?: Fetch;
};

/** A user of the auth service, as sign-in and sign-up return it. */
export type SessionUser = { id: string; email: string; name: string };

/** A native session: tokens from the stored session token, plus sign-in, sign-up and sign-out. */
export type NativeSession = TokenSource & {
  /** Signs in with email and password, and stores the new session token. */
  signIn(credentials: { email: string; password: string }): Promise<SessionUser>;
  /** Creates an account (which also signs in), and stores the session token. */
  signUp(account: { name: string; email: string; password: string }): Promise<SessionUser>;
  /** Ends the session at the auth service, then deletes it from `storage`. */
  signOut(): Promise<void>;
  /** Whether `storage` holds a session token (it may have been revoked since). */
  hasSession(): Promise<boolean>;
  /** Calls `listener` when the session ends: signed out, or refused by the auth service (revoked). */
  onSignedOut(listener: SignedOutListener): () => void;
};

/**
 * The token source of a mobile or desktop app or a CLI: no cookies and no `Origin`; the session token is sent
 * as `Authorization: Bearer` to `GET /api/auth/token`. A 401 there means the session has ended: the token and
 * `storage` are cleared, listeners are told, and `token()` rejects with `SignedOutError`.
 */
export function nativeSession(options: NativeSessionOptions): NativeSession {
  if (typeof options.authUrl !== 'string' || options.authUrl === '')
    throw new TypeError('nativeSession: authUrl is required');
  const { authUrl, storage } = options;
  const fetch = fetchOr(options.fetch);
  const { now, margin } = timingOf(options);
  const events = createSignedOutEvents();
  const plain: RequestInit = { credentials: 'omit' };

  const cache = createRefreshingToken(async () => {
    const sessionToken = await storage.get();
    if (!sessionToken) throw new SignedOutError('Not signed in');
    try {
      return await requestUserToken(
        fetch,
        authRoute(authUrl, '/token'),
        { ...plain, headers: { authorization: `Bearer ${sessionToken}` } },
        now,
        margin,
      );
    } catch (error) {
      // Only the session that was refused is forgotten: a sign-in may have stored a new one meanwhile.
      if (error instanceof SignedOutError && (await storage.get()) === sessionToken) {
        await storage.delete();
        events.emit(error);
      }
      throw error;
    }
  }, options);

  async function start(path: string, body: unknown): Promise<SessionUser> {
    const { response, body: answer } = await postJson(fetch, authRoute(authUrl, path), body, plain);
    const sessionToken = response.headers.get('set-auth-token');
    const user = (answer as { user?: SessionUser } | undefined)?.user;
    if (!sessionToken || user === undefined)
      throw new InvalidResponseError('the auth service answered without a session');
    cache.clear();
    await storage.set(sessionToken);
    return { id: user.id, email: user.email, name: user.name };
  }

  return {
    token: () => cache.token(),
    clear: () => cache.clear(),
    signIn: ({ email, password }) => start('/sign-in/email', { email, password }),
    signUp: ({ name, email, password }) => start('/sign-up/email', { name, email, password }),
    async signOut() {
      const sessionToken = await storage.get();
      if (sessionToken) {
        try {
          await postJson(
            fetch,
            authRoute(authUrl, '/sign-out'),
            {},
            { ...plain, headers: { authorization: `Bearer ${sessionToken}` } },
          );
        } catch (error) {
          // A session that already ended cannot be signed out of; anything else (the network) keeps it stored.
          if (!(error instanceof RequestFailedError && error.status === 401)) throw error;
        }
      }
      cache.clear();
      await storage.delete();
      events.emit(new SignedOutError('Signed out'));
    },
    hasSession: async () => Boolean(await storage.get()),
    onSignedOut: (listener) => events.on(listener),
  };
}
