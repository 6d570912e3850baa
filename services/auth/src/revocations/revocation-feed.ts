import { randomBytes } from 'node:crypto';
import type { AppDatabase } from '@tessera/db';
import type { Logger } from '@tessera/server';
import { sql } from 'drizzle-orm';
import { parseRevocationRows, type RevocationEntry } from './revocation-entry.ts';

/** Options of {@link createRevocationFeed}. */
export type RevocationFeedOptions = {
  /** The auth database, migrated: its `revocation` table is read. */
  db: AppDatabase<Record<string, unknown>>;
  /** Seconds an entry is kept after its revocation: the longest token lifetime plus the clock tolerance. */
  retentionSeconds: number;
  logger: Logger;
  /** How often the table is read for new rows, default 200 ms: the largest share of the delivery time. */
  pollIntervalMs?: number;
  /** How often rows past their retention are deleted, default 60 000 ms. */
  pruneIntervalMs?: number;
};

/** The list as of one version: all entries, or those after a version, each with the cursor to follow on from. */
export type RevocationFeed = {
  /** Loads the current list; the service listens only after it. Rejects when the database cannot be read. */
  start(): Promise<void>;
  /** `<feed id>.<version>`: changes on every new entry. Another process's cursors name another feed id. */
  readonly cursor: string;
  /** Every entry in force, in the order they arrived. */
  all(): readonly RevocationEntry[];
  /**
   * The entries that arrived after `cursor`, or `undefined` when the cursor is not one of this feed's (another
   * replica's, an older process's, or garbage): the caller then answers the whole list.
   */
  after(cursor: string): readonly RevocationEntry[] | undefined;
  /** Resolves once the feed moves past `cursor`, `waitMs` has passed, `signal` aborts, or the feed closes. */
  waitForChange(cursor: string, waitMs: number, signal?: AbortSignal): Promise<void>;
  /** Stops polling and releases every waiter, so long polls answer at once and shutdown does not wait for them. */
  close(): void;
};

type Logged = { entry: RevocationEntry; version: number };

/** A promise and its resolver: every waiter of one version shares it (Node 20 has no `Promise.withResolvers`). */
function changeSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * The revocation list as one auth process serves it: read from the `revocation` table at start, then one
 * poll every `pollIntervalMs` shared by every follower of this process. Rows written by any replica reach it.
 *
 * Each poll reads the rows of transactions that were still running, or not yet begun, at the previous poll
 * (`tx >= xmin` of that poll's snapshot), so a row committed late is found even when its id is lower than
 * rows seen before. Rows read twice are recognised by their key and skipped.
 */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const { db, retentionSeconds, logger, pollIntervalMs = 200, pruneIntervalMs = 60_000 } = options;
  const feedId = randomBytes(6).toString('base64url');
  const log: Logged[] = [];
  const known = new Set<string>();
  let version = 0;
  let xmin: string | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let lastPruneAt = Date.now();
  let failing = false;
  let closed = false;
  let changed = changeSignal();

  const keyOf = (entry: RevocationEntry) => ('sid' in entry ? `s:${entry.sid}` : `c:${entry.client_id}`);
  const cursorOf = (v: number) => `${feedId}.${v}`;

  function versionOf(cursor: string): number | undefined {
    const dot = cursor.lastIndexOf('.');
    if (cursor.slice(0, dot) !== feedId) return undefined;
    const value = Number(cursor.slice(dot + 1));
    return Number.isSafeInteger(value) && value >= 0 && value <= version ? value : undefined;
  }

  /** Adds the rows not seen yet and still in force; wakes the waiters when any was new. */
  function take(rows: readonly RevocationEntry[], now: number): void {
    const fresh = rows.filter((entry) => entry.expires_at * 1000 > now && !known.has(keyOf(entry)));
    if (fresh.length === 0) return;
    version++;
    for (const entry of fresh) {
      known.add(keyOf(entry));
      log.push({ entry, version });
    }
    const { resolve } = changed;
    changed = changeSignal();
    resolve();
  }

  /** Drops entries past their retention from memory and, now and then, from the table. */
  async function prune(now: number): Promise<void> {
    if (now - lastPruneAt < pruneIntervalMs) return;
    lastPruneAt = now;
    let kept = 0;
    for (const logged of log) {
      if (logged.entry.expires_at * 1000 > now) log[kept++] = logged;
      else known.delete(keyOf(logged.entry));
    }
    log.length = kept;
    // Every replica prunes; the statements are idempotent and cheap on the revoked_at index.
    await db.execute(
      sql`delete from revocation where revoked_at < clock_timestamp() - make_interval(secs => ${retentionSeconds})`,
    );
  }

  async function read(filter: ReturnType<typeof sql>): Promise<RevocationEntry[]> {
    const result = await db.execute(sql`
      select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
        coalesce((
          select json_agg(json_build_object(
            'sid', sid, 'client_id', client_id, 'revoked_at', floor(extract(epoch from revoked_at))) order by id)
          from revocation where ${filter}
        ), '[]')::text as rows`);
    const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      xmin: string;
      rows: string;
    }[];
    if (row === undefined) throw new Error('the revocation query returned no row');
    xmin = row.xmin;
    return parseRevocationRows(JSON.parse(row.rows), retentionSeconds);
  }

  async function poll(): Promise<void> {
    try {
      const rows = await read(sql`tx >= ${xmin}::xid8`);
      const now = Date.now();
      take(rows, now);
      await prune(now);
      if (failing) logger.info('revocation feed: reading the revocation table again');
      failing = false;
    } catch (error) {
      // Logged once per outage, not on every poll; followers keep the list they have meanwhile.
      if (!failing) logger.warn({ err: error }, 'revocation feed: cannot read the revocation table');
      failing = true;
    }
    if (!closed) pollTimer = setTimeout(poll, pollIntervalMs).unref();
  }

  return {
    async start() {
      const rows = await read(sql`revoked_at > clock_timestamp() - make_interval(secs => ${retentionSeconds})`);
      take(rows, Date.now());
      if (!closed) pollTimer = setTimeout(poll, pollIntervalMs).unref();
    },
    get cursor() {
      return cursorOf(version);
    },
    all: () => log.map((logged) => logged.entry),
    after(cursor) {
      const from = versionOf(cursor);
      if (from === undefined) return undefined;
      // The log is in version order: find the first entry past `from` by bisection.
      let low = 0;
      let high = log.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (log[middle]!.version <= from) low = middle + 1;
        else high = middle;
      }
      return log.slice(low).map((logged) => logged.entry);
    },
    async waitForChange(cursor, waitMs, signal) {
      const from = versionOf(cursor);
      if (closed || from === undefined || from < version || waitMs <= 0 || signal?.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      try {
        await Promise.race([
          changed.promise,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, waitMs);
            onAbort = resolve;
            signal?.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    close() {
      closed = true;
      clearTimeout(pollTimer);
      changed.resolve();
    },
  };
}
