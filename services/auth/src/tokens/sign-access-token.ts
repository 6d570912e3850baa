/** What an access-token signer needs from the Better Auth instance: the JWT plugin's server-only `signJWT`. */
export type SignJwtApi = {
  api: {
    signJWT(input: { body: { payload: Record<string, unknown> } }): Promise<{ token: string }>;
  };
};

/** Per-token options of an {@link AccessTokenSigner}. */
export type AccessTokenOptions = {
  /** The `aud` claim: the resource(s) the token is for. */
  audience: string | string[];
  /** Lifetime: `exp = iat + expiresInSeconds`. */
  expiresInSeconds: number;
};

/**
 * Signs the claims as an access token of this auth service; `iss` is the configured issuer, `iat` now.
 * Callers choose `sub` and the rest; they cannot override `iss`, `aud`, `iat` or `exp`.
 */
export type AccessTokenSigner = (claims: Record<string, unknown>, options: AccessTokenOptions) => Promise<string>;

/**
 * Builds the one signing path for every token the service issues (user tokens go through the same JWT plugin):
 * the plugin's keys in JWKS mode, HS256 with `JWT_SECRET` in secret mode.
 *
 * `auth` may be a function, so that a Better Auth plugin can be handed a signer before the instance it
 * belongs to exists (the signer is only called while handling requests).
 */
export function createAccessTokenSigner(auth: SignJwtApi | (() => SignJwtApi)): AccessTokenSigner {
  const resolveAuth = typeof auth === 'function' ? auth : () => auth;
  return async function signAccessToken(claims, { audience, expiresInSeconds }) {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
      throw new RangeError('expiresInSeconds must be a positive integer');
    }
    const { iss: _issuer, ...rest } = claims;
    const iat = Math.floor(Date.now() / 1000);
    // No `iss` in the payload: the plugin then sets its configured issuer (AUTH_ISSUER).
    const payload = { ...rest, aud: audience, iat, exp: iat + expiresInSeconds };
    const { token } = await resolveAuth().api.signJWT({ body: { payload } });
    return token;
  };
}
