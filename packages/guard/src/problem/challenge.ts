/** The protection space named in every challenge by default (RFC 6750 §3). */
export const DEFAULT_REALM = 'tessera';

/** A quoted-string (RFC 9110 §5.6.4): `"` and `\` are escaped, so no value can break out of its quotes. */
function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * A `WWW-Authenticate` challenge (RFC 9110 §11.6.1) for any scheme: `Basic realm="tessera", charset="UTF-8"`.
 * Every parameter is sent as a quoted-string, in the order given.
 */
export function authChallenge(scheme: string, params: Readonly<Record<string, string>>): string {
  const parts = Object.entries(params).map(([name, value]) => `${name}=${quoteString(value)}`);
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}

/** The parameters of a Bearer challenge (RFC 6750 §3). */
export type BearerChallengeOptions = {
  /** Default {@link DEFAULT_REALM}. */
  realm?: string;
  /** Absent when the request carried no token (RFC 6750 §3.1). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** A fixed, public text; never token contents. */
  errorDescription?: string;
  /** For `insufficient_scope`: the scopes that would do, space-separated. */
  scope?: string;
};

/** `Bearer realm="tessera", error="invalid_token", error_description="…"`: the realm first, each value quoted. */
export function bearerChallenge({
  realm = DEFAULT_REALM,
  error,
  errorDescription,
  scope,
}: BearerChallengeOptions = {}): string {
  return authChallenge('Bearer', {
    realm,
    ...(error === undefined ? {} : { error }),
    ...(errorDescription === undefined ? {} : { error_description: errorDescription }),
    ...(scope === undefined ? {} : { scope }),
  });
}
