/** `credentials = auth-scheme [ 1*SP token68 ]`; the scheme is a token (RFC 9110 §11.4, §5.6.2). */
const credentialsShape = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s;
/** `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 6750 §2.1). */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/** What an `Authorization` header holds: a bearer token, nothing usable, or a malformed `Bearer` credential. */
export type BearerCredentials =
  | { readonly token: string; readonly failure?: undefined }
  | { readonly token?: undefined; readonly failure: 'token_missing' | 'header_malformed' };

/**
 * Reads a bearer token from the `Authorization` header only (RFC 6750 §2.1; query strings and cookies are
 * never read, §2.2–2.3). `Bearer` in any letter case, one or more spaces, then exactly one b64token.
 */
export function readBearerCredentials(authorization: string | null | undefined): BearerCredentials {
  const match = authorization ? credentialsShape.exec(authorization) : null;
  const scheme = match?.[1];
  const param = match?.[2];
  // No credentials, or another scheme (say Basic): a bare challenge, no error code (RFC 6750 §3.1).
  if (!authorization || (scheme !== undefined && scheme.toLowerCase() !== 'bearer'))
    return { failure: 'token_missing' };
  // `Bearer` with nothing after it, stray characters, a tab, two tokens: a malformed request (RFC 6750 §3.1).
  if (param === undefined || !b64token.test(param)) return { failure: 'header_malformed' };
  return { token: param };
}
