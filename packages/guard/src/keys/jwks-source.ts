import type { Algorithm } from '../algorithms.ts';
import { GuardError } from '../errors.ts';
import { readLimitedText } from '../read-limited-text.ts';
import type { KeySource, VerificationKey } from './verification-key.ts';
import { importPublicJwk, KeySet } from './verification-key.ts';

/** Where and how to fetch a remote JWKS. All durations are in milliseconds. */
export type JwksOptions = {
  /** The JWKS URL, e.g. `http://localhost:3000/api/auth/jwks`. */
  url: string | URL;
  /** Least time between two fetches caused by unknown `kid`s or failures, default 30 000 ms. */
  cooldown?: number;
  /** Abort a fetch (headers and body) after this long, default 5 000 ms. */
  timeout?: number;
  /** Keys older than this are refreshed in the background while still in use, default 300 000 ms (5 min). */
  maxAge?: number;
  /** While refreshes fail, the last good keys keep working this long after they were fetched, default 3 600 000 ms (1 h). */
  maxStale?: number;
  /** Called when a fetch fails (for logs); the verifier keeps serving the last good keys. */
  onFetchError?: (error: Error) => void;
};

/** `JwksOptions` after checking, with every default filled in. */
export type ResolvedJwksOptions = Required<Omit<JwksOptions, 'onFetchError'>> & Pick<JwksOptions, 'onFetchError'>;

export const jwksDefaults = { cooldown: 30_000, timeout: 5_000, maxAge: 300_000, maxStale: 3_600_000 } as const;

/** A JWKS document larger than this is refused, so a broken or hostile endpoint cannot exhaust memory. */
const maxJwksBytes = 512 * 1024;

/**
 * A remote JWKS kept in memory: fetched at start, refreshed in the background once older than `maxAge`,
 * refetched for an unknown `kid` at most once per `cooldown` with concurrent callers sharing that one fetch,
 * and served stale while the endpoint fails, up to `maxStale` (RFC 8725 §3.10 leaves this to the verifier;
 * failing closed after it keeps a compromised, withdrawn key from living forever).
 */
export function createJwksSource(options: ResolvedJwksOptions, allowed: ReadonlySet<Algorithm>): KeySource {
  const { cooldown, timeout, maxAge, maxStale, onFetchError } = options;
  const url = new URL(options.url);
  const closing = new AbortController();
  const listeners: (() => void)[] = [];
  let keys: KeySet | undefined;
  /** The document `keys` came from: an identical answer changes nothing, so listeners are not told. */
  let keysDocument: string | undefined;
  let loadedAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  const usable = (now: number) => keys !== undefined && now - loadedAt <= maxStale;

  /** The one fetch in flight; callers that arrive while it runs share it. */
  function fetchShared(): Promise<void> {
    if (inflight) return inflight;
    lastAttemptAt = Date.now();
    inflight = fetchKeys().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function fetchKeys(): Promise<void> {
    if (closing.signal.aborted) return;
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/jwk-set+json, application/json' },
        signal: AbortSignal.any([AbortSignal.timeout(timeout), closing.signal]),
      });
      if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
      const text = await readLimitedText(response, maxJwksBytes, 'JWKS document');
      if (keys !== undefined && text === keysDocument) {
        loadedAt = Date.now();
        return;
      }
      const document: unknown = JSON.parse(text);
      const list =
        typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
      if (!Array.isArray(list)) throw new Error('JWKS document has no "keys" array');
      const imported: VerificationKey[] = [];
      // An unusable key (oct, unknown kty, not in the allowlist) is skipped, not fatal: issuers publish keys for others too.
      for (const jwk of list) {
        const result = importPublicJwk(jwk, allowed);
        if ('key' in result) imported.push(result.key);
      }
      // Replacing good keys with none would turn an issuer's mistake into an outage; keep the last good set instead.
      if (imported.length === 0) throw new Error('JWKS document holds no usable key');
      keys = new KeySet(imported);
      keysDocument = text;
      loadedAt = Date.now();
      for (const listener of listeners) listener();
    } catch (error) {
      if (closing.signal.aborted) return;
      onFetchError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  function unavailable(now: number): GuardError {
    const wait = Math.max(1, Math.ceil((lastAttemptAt + cooldown - now) / 1000));
    return new GuardError('keys_unavailable', 'No usable verification keys', { retryAfter: wait });
  }

  /** Fetches if allowed (none in flight is joined, else the cooldown must have passed), then checks the keys are usable. */
  async function refreshIfAllowed(): Promise<KeySet> {
    const now = Date.now();
    if (inflight) await inflight;
    else if (now - lastAttemptAt >= cooldown) await fetchShared();
    const after = Date.now();
    if (!keys || !usable(after)) throw unavailable(after);
    return keys;
  }

  void fetchShared();

  return {
    lookup(kid) {
      const now = Date.now();
      if (!keys || !usable(now)) return undefined;
      if (now - loadedAt > maxAge && !inflight && now - lastAttemptAt >= cooldown) void fetchShared();
      return keys.lookup(kid);
    },
    async refresh(kid) {
      return (await refreshIfAllowed()).lookup(kid);
    },
    async ready() {
      // Readiness probes call this every few seconds: usable keys answer from memory, never with a fetch.
      if (usable(Date.now())) return;
      await refreshIfAllowed();
    },
    onChange(listener) {
      listeners.push(listener);
    },
    close() {
      closing.abort();
    },
  };
}
