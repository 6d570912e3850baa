import { TokenEndpointError } from './error-codes.ts';

/** Client credentials read from an `Authorization: Basic …` header. */
export type BasicCredentials = { clientId: string; clientSecret: string };

/** Strict base64 (RFC 4648 §4, padded): anything else is a malformed header, not a failed login. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Longer headers are not credentials this server issued; refuse before decoding. */
const MAX_HEADER_LENGTH = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads client credentials from the `Authorization` header (RFC 6749 §2.3.1, RFC 7617).
 * Returns `undefined` when there is no header.
 * @throws TokenEndpointError `invalid_client` for another scheme (an authentication method this server does
 *   not support), `invalid_request` for a Basic header that is not base64 of UTF-8 `id:secret`.
 */
export function readBasicCredentials(authorization: string | null): BasicCredentials | undefined {
  if (authorization === null) return undefined;
  if (authorization.length > MAX_HEADER_LENGTH) throw malformed('the Authorization header is too long');
  const [scheme = '', encoded = '', ...rest] = authorization.trim().split(/ +/);
  if (scheme.toLowerCase() !== 'basic') {
    throw new TokenEndpointError(
      'invalid_client',
      'client authentication must use HTTP Basic or client_secret in the body',
    );
  }
  if (rest.length > 0 || encoded === '' || !BASE64.test(encoded)) {
    throw malformed('the Basic credentials are not valid base64');
  }

  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    throw malformed('the Basic credentials are not UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed('the Basic credentials must be client_id:client_secret');

  // RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded before the Basic encoding.
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const clientSecret = formUrlDecode(decoded.slice(colon + 1));
  if (clientId === '' || clientSecret === '')
    throw malformed('the Basic credentials must name a client_id and a client_secret');
  return { clientId, clientSecret };
}

/** Decodes one `application/x-www-form-urlencoded` value (`+` is a space, `%XX` a byte of UTF-8). */
function formUrlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    throw malformed('the Basic credentials are not correctly form-urlencoded');
  }
}

function malformed(description: string): TokenEndpointError {
  return new TokenEndpointError('invalid_request', description);
}
