import { validationProblem } from '@tessera/server';
import { Hono } from 'hono';
import { z } from 'zod';
import type { RevocationEntry } from './revocation-entry.ts';
import type { RevocationFeed } from './revocation-feed.ts';

/** Where the list is published, next to Better Auth's JWKS. */
export const REVOCATIONS_PATH = '/api/auth/revocations';

/** The longest a long poll is held, in seconds: under the idle timeouts of common proxies and load balancers. */
export const MAX_WAIT_SECONDS = 60;

const querySchema = z.strictObject({
  /** A cursor from an earlier answer: answer only what came after it (or everything, for a foreign cursor). */
  after: z.string().max(200).optional(),
  /** Hold the request up to this many seconds until something comes after `after`. */
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

/** The body of every answer: `complete` says whether `revocations` is the whole list or what came after `after`. */
export type RevocationsBody = { cursor: string; complete: boolean; revocations: readonly RevocationEntry[] };

/** Whether an `If-None-Match` list names this entity tag (weak comparison, RFC 9110 §13.1.2). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * `GET /api/auth/revocations`: public, like the JWKS (session and client ids are not secrets).
 * - no query: the whole list, with `ETag: "<cursor>"`; `If-None-Match` with that tag answers 304.
 * - `?after=<cursor>`: only the entries that came after it (`complete: false`), or the whole list when the
 *   cursor is not this process's (`complete: true`). With `&wait=<seconds>` the request is held until there is
 *   something, or the time is up (then an empty answer with the same cursor).
 * Answers come from the feed's memory: a follower never causes a database query.
 */
export function revocationRoutes(feed: RevocationFeed): Hono {
  /** The whole list, serialised once per version however many followers ask. */
  let whole: { cursor: string; json: string } | undefined;
  const wholeJson = (): string => {
    const cursor = feed.cursor;
    if (whole?.cursor !== cursor)
      whole = {
        cursor,
        json: JSON.stringify({ cursor, complete: true, revocations: feed.all() } satisfies RevocationsBody),
      };
    return whole.json;
  };
  const headers = (etag?: string) => ({
    'Content-Type': 'application/json',
    // Followers must revalidate: a stored copy of the list would hide new revocations.
    'Cache-Control': 'no-cache',
    ...(etag === undefined ? {} : { ETag: etag }),
  });

  return new Hono().get(REVOCATIONS_PATH, async (c) => {
    const parsed = querySchema.safeParse(c.req.query());
    if (!parsed.success) throw validationProblem(parsed.error);
    const { after, wait = 0 } = parsed.data;

    if (after === undefined) {
      const etag = `"${feed.cursor}"`;
      if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers(etag));
      return c.body(wholeJson(), 200, headers(etag));
    }
    if (feed.after(after)?.length === 0) await feed.waitForChange(after, wait * 1000, c.req.raw.signal);
    const since = feed.after(after);
    if (since === undefined) return c.body(wholeJson(), 200, headers(`"${feed.cursor}"`));
    return c.body(
      JSON.stringify({ cursor: feed.cursor, complete: false, revocations: since } satisfies RevocationsBody),
      200,
      headers(),
    );
  });
}
