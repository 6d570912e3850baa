import { GuardError } from '../errors.ts';
import { readLimitedText } from '../read-limited-text.ts';
import { RevocationList } from './revocation-list.ts';

/** Where and how to follow the issuer's revocation list. Durations in milliseconds unless said otherwise. */
export type RevocationsOptions = {
  /** The list's URL, e.g. `http://localhost:3000/api/auth/revocations`. */
  url: string | URL;
  /** Seconds the issuer may hold one long poll before answering "nothing new", default 20 (at most 60). */
  wait?: number;
  /** A request is aborted this long after its `wait` is over (headers and body), default 5 000. */
  timeout?: number;
  /** Shortest pause before retrying after a failure, default 100; it doubles per failure, with jitter. */
  retryMin?: number;
  /** Longest pause before retrying, default 2 000: after an outage, a new revocation waits at most this long. */
  retryMax?: number;
  /** An answer larger than this many bytes is refused (and the list kept), default 64 MiB. */
  maxBytes?: number;
  /**
   * Called when an answer holds malformed entries, and when requests start failing (then once a minute while they
   * do), for logs; the list stays in force.
   */
  onError?: (error: Error) => void;
};

/** `RevocationsOptions` after checking, with every default filled in. */
export type ResolvedRevocationsOptions = Required<Omit<RevocationsOptions, 'onError' | 'url'>> &
  Pick<RevocationsOptions, 'onError'> & { url: URL };

export const revocationsDefaults = {
  wait: 20,
  timeout: 5_000,
  retryMin: 100,
  retryMax: 2_000,
  maxBytes: 64 * 1024 * 1024,
} as const;

/** While requests keep failing, how often one of the failures is reported. */
const reportFailuresEveryMs = 60_000;

/** How often entries past their `expires_at` are dropped, at most. */
const pruneEveryMs = 10_000;

/** The state of the followed list, for readiness probes and metrics. */
export type RevocationStatus = {
  /** Resolves once the list has loaded; rejects with `revocations_unavailable` while it never has. */
  ready(): Promise<void>;
  /** Milliseconds since the issuer last answered (the list was current then); `undefined` before the first answer. */
  age(): number | undefined;
  /** Entries in force. */
  size(): number;
};

/** A followed revocation list: the list for the hot path, its status, and a way to stop following. */
export type RevocationSource = RevocationStatus & {
  readonly list: RevocationList;
  /** Whether the list has loaded at least once; until then every token is refused with `revocations_unavailable`. */
  readonly loaded: boolean;
  /** Resolves once loaded; rejects with `revocations_unavailable` when the attempt under way fails. */
  whenLoaded(): Promise<void>;
  close(): void;
};

/**
 * Follows the issuer's revocation list: the whole list at start, then one long poll at a time
 * (`?after=<cursor>&wait=<s>`) shared by every request of the process, so a revocation arrives as soon as the
 * issuer has it and no request ever waits on the issuer. On failure it retries with exponential backoff and
 * full jitter, and the last list stays in force: no session can end while the issuer is unreachable from
 * everywhere, since ending one goes through it.
 */
export function createRevocationSource(options: ResolvedRevocationsOptions): RevocationSource {
  const { url, wait, timeout, retryMin, retryMax, maxBytes, onError } = options;
  const list = new RevocationList();
  const closing = new AbortController();
  let cursor: string | undefined;
  let answeredAt: number | undefined;
  let lastPruneAt = 0;
  /** Settles with the outcome of the attempt under way, for callers waiting on the first load. */
  let attempt: Promise<void> = Promise.resolve();
  let failedOnce = false;
  let reportedAt = 0;

  const report = (error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error)));

  async function fetchOnce(): Promise<void> {
    const target = new URL(url);
    if (cursor !== undefined) {
      target.searchParams.set('after', cursor);
      target.searchParams.set('wait', String(wait));
    }
    const response = await fetch(target, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.any([
        AbortSignal.timeout((cursor === undefined ? 0 : wait * 1000) + timeout),
        closing.signal,
      ]),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`revocation list endpoint answered ${response.status}`);
    }
    const document: unknown = JSON.parse(await readLimitedText(response, maxBytes, 'revocation list answer'));
    const { cursor: next, revocations } = (typeof document === 'object' && document !== null ? document : {}) as Record<
      string,
      unknown
    >;
    if (typeof next !== 'string' || next.length === 0 || !Array.isArray(revocations)) {
      throw new Error('revocation list answer has no cursor or no "revocations" array');
    }
    const now = Date.now();
    const { malformed } = list.merge(revocations, now);
    if (malformed > 0)
      report(new Error(`ignored ${malformed} malformed revocation ${malformed === 1 ? 'entry' : 'entries'}`));
    if (now - lastPruneAt >= pruneEveryMs) {
      list.prune(now);
      lastPruneAt = now;
    }
    cursor = next;
    answeredAt = now;
  }

  async function follow(): Promise<void> {
    let failures = 0;
    while (!closing.signal.aborted) {
      attempt = fetchOnce();
      try {
        await attempt;
        failures = 0;
      } catch (error) {
        if (closing.signal.aborted) return;
        failedOnce = true;
        // Logged when an outage starts, then once a minute while it lasts: retries come every second or two.
        const now = Date.now();
        if (failures === 0 || now - reportedAt >= reportFailuresEveryMs) {
          report(error);
          reportedAt = now;
        }
        failures++;
        // Full jitter (a random pause up to the exponential bound), so followers that lost the issuer together
        // do not come back together.
        const bound = Math.min(retryMax, retryMin * 2 ** Math.min(failures, 20));
        await pause(retryMin + Math.random() * (bound - retryMin), closing.signal);
      }
    }
  }

  void follow();

  const unavailable = () =>
    new GuardError('revocations_unavailable', undefined, { retryAfter: Math.ceil(retryMax / 1000) });

  async function whenLoaded(): Promise<void> {
    if (answeredAt !== undefined) return;
    await attempt.catch(() => {});
    if (answeredAt === undefined) throw unavailable();
  }

  return {
    list,
    get loaded() {
      return answeredAt !== undefined;
    },
    whenLoaded,
    async ready() {
      if (answeredAt !== undefined) return;
      // Readiness probes must not queue behind a hanging first request once one has failed.
      if (failedOnce) throw unavailable();
      await whenLoaded();
    },
    age: () => (answeredAt === undefined ? undefined : Date.now() - answeredAt),
    size: () => list.size,
    close() {
      closing.abort();
    },
  };
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
