import type { Principal } from '../principal.ts';

/** Longest id accepted in an entry; a session id or client id is far shorter. */
const maxIdLength = 512;

/** What merging one answer did: entries taken, and entries ignored because they were malformed. */
export type MergeOutcome = { readonly added: number; readonly malformed: number };

/**
 * The revoked sessions and clients in force, each until its `expires_at`. Entries are only added and expire:
 * an answer merges into the list, never replaces it, so an auth replica that is a poll behind another can
 * never take back an entry the follower already holds.
 */
export class RevocationList {
  /** `sid` → until when (ms) it is refused. */
  readonly #sessions = new Map<string, number>();
  /** `client_id` → until when (ms) it is refused. */
  readonly #clients = new Map<string, number>();

  get size(): number {
    return this.#sessions.size + this.#clients.size;
  }

  /** Whether the principal's session (`sid` claim) or client is revoked: one `Map` lookup, on every request. */
  refuses(principal: Principal): boolean {
    if (principal.kind === 'service')
      return this.#clients.size !== 0 && this.#clients.has(principal.clientId as string);
    if (this.#sessions.size === 0) return false;
    const sid = principal.claims.sid;
    return typeof sid === 'string' && this.#sessions.has(sid);
  }

  /** Adds the well-formed entries still in force; a malformed one is counted and skipped, never fatal. */
  merge(entries: readonly unknown[], now: number): MergeOutcome {
    let added = 0;
    let malformed = 0;
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (parsed === undefined) {
        malformed++;
        continue;
      }
      if (parsed.until <= now) continue;
      const map = parsed.kind === 'sid' ? this.#sessions : this.#clients;
      const known = map.get(parsed.id);
      if (known === undefined || known < parsed.until) map.set(parsed.id, parsed.until);
      if (known === undefined) added++;
    }
    return { added, malformed };
  }

  /** Drops the entries past their `expires_at`: no token they could refuse is still valid. */
  prune(now: number): void {
    for (const map of [this.#sessions, this.#clients]) for (const [id, until] of map) if (until <= now) map.delete(id);
  }
}

type ParsedEntry = { kind: 'sid' | 'client_id'; id: string; until: number };

/** `{ sid, expires_at }` or `{ client_id, expires_at }` (NumericDate seconds); anything else is malformed. */
function parseEntry(entry: unknown): ParsedEntry | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const { sid, client_id: clientId, expires_at: expiresAt } = entry as Record<string, unknown>;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  const isId = (value: unknown): value is string =>
    typeof value === 'string' && value.length > 0 && value.length <= maxIdLength;
  if (isId(sid) && clientId === undefined) return { kind: 'sid', id: sid, until: expiresAt * 1000 };
  if (isId(clientId) && sid === undefined) return { kind: 'client_id', id: clientId, until: expiresAt * 1000 };
  return undefined;
}
