/**
 * The list cursor: an opaque base64url token holding the `(createdAt, id)` of the last task of a page.
 * The next page starts strictly after that pair (keyset pagination, no OFFSET), so rows created or deleted
 * meanwhile never shift a page. `createdAt` is the database's own value at microsecond precision, so two
 * tasks created in the same millisecond are still told apart.
 */
export type ListPosition = {
  /** `created_at` as UTC ISO 8601 with six fraction digits, exactly as the repository reads it. */
  createdAt: string;
  id: string;
};

/** A cursor that was not produced by {@link encodeCursor} (or was altered). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'invalid_cursor';
  constructor() {
    super('The cursor is malformed');
  }
}

const cursorVersion = 1;
const base64url = /^[A-Za-z0-9_-]+$/;
const microsecondIso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Far more than a real cursor (about 110 characters); refuses huge inputs before decoding them. */
const maxCursorLength = 256;

/** Encodes the position after which the next page starts. */
export function encodeCursor({ createdAt, id }: ListPosition): string {
  return Buffer.from(JSON.stringify([cursorVersion, createdAt, id]), 'utf8').toString('base64url');
}

/** Decodes a cursor from a query string; throws {@link InvalidCursorError} for anything it did not produce. */
export function decodeCursor(cursor: string): ListPosition {
  if (cursor.length > maxCursorLength || !base64url.test(cursor)) throw new InvalidCursorError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidCursorError();
  const [version, createdAt, id] = decoded as unknown[];
  if (version !== cursorVersion || typeof createdAt !== 'string' || typeof id !== 'string')
    throw new InvalidCursorError();
  if (!microsecondIso.test(createdAt) || !isRealInstant(createdAt) || !uuid.test(id)) throw new InvalidCursorError();
  // Only the canonical encoding is accepted, so one position has exactly one cursor.
  if (encodeCursor({ createdAt, id }) !== cursor) throw new InvalidCursorError();
  return { createdAt, id };
}

/** Refuses well-shaped but impossible instants (`2026-02-30T…`), which the database would reject with an error. */
function isRealInstant(iso: string): boolean {
  const milliseconds = Date.parse(iso);
  return !Number.isNaN(milliseconds) && new Date(milliseconds).toISOString().slice(0, 23) === iso.slice(0, 23);
}
