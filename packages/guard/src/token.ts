import { GuardError } from './errors.ts';

/** A JWS compact token split and decoded, but not yet trusted. */
export type DecodedToken = {
  readonly header: Readonly<Record<string, unknown>>;
  /** The payload segment, still base64url: it is parsed only after the signature checks out. */
  readonly payloadSegment: string;
  /** `BASE64URL(header) '.' BASE64URL(payload)` as bytes, what the signature covers (RFC 7515 §5.2). */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
};

/**
 * Exactly three segments of base64url characters (RFC 7515 §7.1), the signature possibly empty so that a
 * stripped signature is reported as such. One regex over the whole string is cheaper than three.
 */
const compactShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The 6-bit value of each base64url character, for the canonical-encoding check. */
const sextet = new Uint8Array(128);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => {
  sextet[c.charCodeAt(0)] = i;
});

/**
 * Whether `s` (already known to be base64url characters) is the one canonical unpadded encoding of its bytes.
 * Node's decoder ignores leftover bits, so without this two different strings decode to the same signature.
 */
function isCanonicalBase64url(s: string, start: number, end: number): boolean {
  const rest = (end - start) % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = sextet[s.charCodeAt(end - 1)] ?? 0;
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

/** Parses base64url JSON into a plain object, or fails with `token_malformed`. */
export function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new GuardError('token_malformed', `The token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GuardError('token_malformed', `The token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Refuses a token over the size limit. Called first, before hashing or decoding anything, so a huge token
 * costs nothing. A JWS compact token is ASCII, so its length in UTF-16 units is its length in bytes
 * (anything else fails the shape check later).
 */
export function assertTokenSize(token: string, maxTokenBytes: number): void {
  if (token.length > maxTokenBytes) throw new GuardError('token_too_large');
}

/** Splits a compact JWS (already size-checked) and decodes its header; the payload waits for the signature. */
export function decodeToken(token: string): DecodedToken {
  if (!compactShape.test(token)) throw new GuardError('token_malformed', 'The token is not three base64url segments');
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (
    !isCanonicalBase64url(token, 0, firstDot) ||
    !isCanonicalBase64url(token, firstDot + 1, lastDot) ||
    !isCanonicalBase64url(token, lastDot + 1, token.length)
  ) {
    throw new GuardError('token_malformed', 'The token is not canonical base64url');
  }
  const header = decodeJsonObject(token.slice(0, firstDot), 'header');
  const bytes = Buffer.from(token, 'latin1');
  return {
    header,
    payloadSegment: token.slice(firstDot + 1, lastDot),
    signingInput: bytes.subarray(0, lastDot),
    signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
  };
}
