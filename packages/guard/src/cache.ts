import { hash } from 'node:crypto';
import type { Principal } from './principal.ts';

/** Bounds for the verified-token cache. */
export type CacheOptions = {
  /** Most entries kept; the least recently used goes first, default 10 000. */
  max?: number;
  /** Longest an entry lives, in ms, default 60 000; never past the token's `exp` either way. */
  maxTtl?: number;
};

export const cacheDefaults = { max: 10_000, maxTtl: 60_000 } as const;

type Entry = { readonly principal: Principal; readonly expiresAt: number };

/**
 * Verified tokens, keyed by the SHA-256 of the whole token, so a hit means the exact same bytes were verified
 * before. Only successes are stored: a failure is re-checked every time, so a key that arrives later still works.
 * A `Map` keeps insertion order, which is all an LRU needs: a hit is moved to the end, eviction takes the front.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #maxTtl: number;

  constructor(options: Required<CacheOptions>) {
    this.#max = options.max;
    this.#maxTtl = options.maxTtl;
  }

  /** The cache key of a token: SHA-256 over all of it, header and signature included. */
  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Principal | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (Date.now() >= entry.expiresAt) return undefined;
    this.#entries.set(key, entry);
    return entry.principal;
  }

  /** Stores a verified principal until its `exp` (seconds) or `maxTtl`, whichever comes first. */
  set(key: string, principal: Principal, exp: number): void {
    const now = Date.now();
    const expiresAt = Math.min(exp * 1000, now + this.#maxTtl);
    if (expiresAt <= now) return;
    this.#entries.delete(key);
    this.#entries.set(key, { principal, expiresAt });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
