import { SignedOutError, TokenUnavailableError } from './errors.ts';
import { DEFAULT_REFRESH_MARGIN_MS, type TimedToken } from './token-times.ts';

/** Timing options every token source takes. */
export type RefreshOptions = {
  /** How long before expiry a token is refreshed, in ms; at most half the token's lifetime. Default 60 000. */
  refreshMargin?: number;
  /** Retries after a network error or 5xx when no unexpired token is left to serve. Default 2. */
  retries?: number;
  /** The first retry delay in ms, doubled on each further failure, at most 30 s. Default 500. */
  retryDelay?: number;
  /** The caller's clock in ms since the epoch. Default `Date.now`; a test can run it fast or slow. */
  now?: () => number;
};

const MAX_RETRY_DELAY_MS = 30_000;

/** The caller's clock and the refresh margin of `options`, defaults applied. */
export function timingOf(options: RefreshOptions): { now: () => number; margin: number } {
  return { now: options.now ?? Date.now, margin: options.refreshMargin ?? DEFAULT_REFRESH_MARGIN_MS };
}

/** A cached token that refreshes itself through one shared request. */
export type RefreshingToken = {
  /** A token not yet due for refresh, else the result of the one refresh in flight. */
  token(): Promise<string>;
  /** Forgets the cached token; a refresh already in flight is not cached when it lands. */
  clear(): void;
  /** The cached token, if any, without refreshing. */
  peek(): TimedToken | undefined;
  /** Caches a token obtained elsewhere (another tab's refresh). */
  adopt(token: TimedToken): void;
};

/**
 * The refresh logic shared by every source. `fetchToken` gets one token or throws a `ClientError`:
 * `TokenUnavailableError` is transient (retried with backoff), anything else is final.
 *
 * - Concurrent callers share one `fetchToken` call.
 * - While a refresh fails transiently and the cached token has not expired, that token keeps being served and
 *   the next attempt waits a growing delay, never past the token's expiry.
 * - With nothing left to serve, a call retries `retries` times with backoff, then throws.
 * - `SignedOutError` drops the cached token.
 */
export function createRefreshingToken(
  fetchToken: () => Promise<TimedToken>,
  options: RefreshOptions = {},
): RefreshingToken {
  const { now } = timingOf(options);
  const retries = options.retries ?? 2;
  const retryDelay = options.retryDelay ?? 500;
  const delayAfter = (failures: number) => Math.min(retryDelay * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);

  let current: TimedToken | undefined;
  let inFlight: Promise<TimedToken> | undefined;
  let generation = 0;
  let failures = 0;
  let nextAttemptAt = 0;

  const servable = () => (current !== undefined && now() < current.expiresAt ? current : undefined);

  async function refresh(): Promise<TimedToken> {
    const started = generation;
    for (let attempt = 1; ; attempt++) {
      try {
        const fresh = await fetchToken();
        if (started === generation) {
          current = fresh;
          failures = 0;
          nextAttemptAt = 0;
        }
        return fresh;
      } catch (error) {
        if (error instanceof SignedOutError && started === generation) current = undefined;
        if (!(error instanceof TokenUnavailableError)) throw error;
        failures += 1;
        if (servable() !== undefined) {
          nextAttemptAt = now() + delayAfter(failures);
          throw error;
        }
        if (attempt > retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayAfter(attempt)));
      }
    }
  }

  return {
    async token() {
      const cached = servable();
      if (cached !== undefined && (now() < cached.refreshAt || now() < nextAttemptAt)) return cached.token;
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      try {
        return (await inFlight).token;
      } catch (error) {
        const fallback = error instanceof TokenUnavailableError ? servable() : undefined;
        if (fallback !== undefined) return fallback.token;
        throw error;
      }
    },
    clear() {
      current = undefined;
      generation += 1;
      failures = 0;
      nextAttemptAt = 0;
    },
    peek: () => current,
    adopt(token) {
      current = token;
      failures = 0;
      nextAttemptAt = 0;
    },
  };
}
