import { authRoute, type Fetch, fetchOr, postJson, requestUserToken } from '../auth-requests.ts';
import { RequestFailedError, SignedOutError, TokenUnavailableError } from '../errors.ts';
import { createRefreshingToken, type RefreshOptions, timingOf } from '../refreshing-token.ts';
import { createSignedOutEvents, type SignedOutListener } from '../signed-out-events.ts';
import type { TokenSource } from '../token-source.ts';
import type { TimedToken } from '../token-times.ts';
import { electTabLeader, SOLE_TAB } from './tab-leader.ts';

/** Options of {@link browserSession}. */
export type BrowserSessionOptions = RefreshOptions & {
  /** The auth service's base URL, e.g. `https://auth.example.com`; Better Auth is under `/api/auth`. */
  authUrl: string;
  /** The HTTP client. Default: the page's `fetch`. Requests are sent with `credentials: 'include'`. */
  fetch?: Fetch;
  /** How long a tab waits for the tab that refreshes for all of them before fetching itself, in ms. Default 5000. */
  leaderTimeout?: number;
};

/** A browser session: tokens from the Better Auth session cookie, shared by the tabs of this browser. */
export type BrowserSession = TokenSource & {
  /** Ends the session at the auth service (`POST /api/auth/sign-out`), in this tab and every other one. */
  signOut(): Promise<void>;
  /** Calls `listener` when the session ends: signed out here or in another tab, or refused by the auth service. */
  onSignedOut(listener: SignedOutListener): () => void;
  /** Stops taking part in the tabs' shared refresh (for tests and hot reload; a closed tab stops by itself). */
  close(): void;
};

type TabMessage =
  | { type: 'request' }
  | { type: 'token'; token: TimedToken }
  | { type: 'failed'; message: string }
  | { type: 'clear' }
  | { type: 'signed-out' };

/**
 * The token source of a single-page app. The session is Better Auth's cookie; `GET /api/auth/token` is called
 * with `credentials: 'include'`. One tab (the Web Lock holder) fetches for all of them and broadcasts each token,
 * so several tabs make one `/token` call per refresh. `clear()` and a sign-out reach every tab.
 */
export function browserSession(options: BrowserSessionOptions): BrowserSession {
  if (typeof options.authUrl !== 'string' || options.authUrl === '')
    throw new TypeError('browserSession: authUrl is required');
  const { authUrl } = options;
  const fetch = fetchOr(options.fetch);
  const { now, margin } = timingOf(options);
  const leaderTimeout = options.leaderTimeout ?? 5_000;
  const events = createSignedOutEvents();

  const channelName = `tessera-session:${authUrl}`;
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(channelName);
  const leader = channel === undefined ? SOLE_TAB : electTabLeader(channelName);
  const waiting = new Set<{ resolve(token: TimedToken): void; reject(error: unknown): void }>();
  const post = (message: TabMessage) => channel?.postMessage(message);

  const fetchHere = async (): Promise<TimedToken> => {
    try {
      const token = await requestUserToken(
        fetch,
        authRoute(authUrl, '/token'),
        { credentials: 'include' },
        now,
        margin,
      );
      post({ type: 'token', token });
      return token;
    } catch (error) {
      if (error instanceof SignedOutError) end(error, true);
      throw error;
    }
  };

  const askLeader = () =>
    new Promise<TimedToken>((resolve, reject) => {
      const waiter = {
        resolve: (token: TimedToken) => settle(() => resolve(token)),
        reject: (error: unknown) => settle(() => reject(error)),
      };
      const timer = setTimeout(() => settle(() => fetchHere().then(resolve, reject)), leaderTimeout);
      function settle(then: () => void) {
        clearTimeout(timer);
        waiting.delete(waiter);
        then();
      }
      waiting.add(waiter);
      post({ type: 'request' });
    });

  const cache = createRefreshingToken(async () => {
    await leader.ready;
    return leader.isLeader() ? fetchHere() : askLeader();
  }, options);

  /** The session ended: forget it, tell this tab's listeners and, when it ended here, the other tabs. */
  function end(error: SignedOutError, broadcast: boolean) {
    cache.clear();
    for (const waiter of [...waiting]) waiter.reject(error);
    if (broadcast) post({ type: 'signed-out' });
    events.emit(error);
  }

  channel?.addEventListener('message', ({ data }: MessageEvent<TabMessage>) => {
    switch (data.type) {
      case 'token':
        cache.adopt(data.token);
        for (const waiter of [...waiting]) waiter.resolve(data.token);
        break;
      case 'request':
        if (!leader.isLeader()) break;
        cache.token().then(
          () => {
            const token = cache.peek();
            if (token !== undefined) post({ type: 'token', token });
          },
          (error: unknown) => {
            // A sign-out is broadcast by fetchHere already.
            if (!(error instanceof SignedOutError))
              post({ type: 'failed', message: error instanceof Error ? error.message : 'token refresh failed' });
          },
        );
        break;
      case 'failed':
        for (const waiter of [...waiting]) waiter.reject(new TokenUnavailableError(data.message));
        break;
      case 'clear':
        cache.clear();
        break;
      case 'signed-out':
        end(new SignedOutError('Signed out in another tab'), false);
        break;
    }
  });

  return {
    token: () => cache.token(),
    clear() {
      cache.clear();
      post({ type: 'clear' });
    },
    async signOut() {
      try {
        await postJson(fetch, authRoute(authUrl, '/sign-out'), {}, { credentials: 'include' });
      } catch (error) {
        // Already signed out (the cookie expired or was revoked) is still signed out.
        if (!(error instanceof RequestFailedError && error.status === 401)) throw error;
      }
      end(new SignedOutError('Signed out'), true);
    },
    onSignedOut: (listener) => events.on(listener),
    close() {
      leader.close();
      channel?.close();
    },
  };
}
