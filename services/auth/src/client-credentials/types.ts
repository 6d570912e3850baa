import type { AccessTokenOptions } from '../tokens/sign-access-token.ts';
import type { OAuthClientStore } from './client-store.ts';

/** Claims the grant puts into a service token; the signer adds `iss`, `aud`, `iat` and `exp`. */
export type ServiceTokenClaims = {
  /** `client:<client_id>`, so a service subject can never collide with a user id. */
  sub: string;
  client_id: string;
  /** Granted scopes, space-separated (RFC 6749 §3.3). */
  scope: string;
};

/**
 * Signs an access token with the auth service's keys (JWKS mode) or its shared secret (secret mode).
 * Structurally the signer returned by `createAccessTokenSigner(...)` in `src/tokens/sign-access-token.ts`.
 */
export type SignAccessToken = (claims: ServiceTokenClaims, options: AccessTokenOptions) => Promise<string>;

/** Options of the `clientCredentials` Better Auth plugin. */
export type ClientCredentialsOptions = {
  /** Where clients are looked up; `createOAuthClientStore(db)`. Required. */
  clients: OAuthClientStore;
  /** Signs the token; the same signer as user tokens, so verifiers need one key set. Required. */
  sign: SignAccessToken;
  /**
   * Audience of a token when the request names no `resource`/`audience`. Required; usually the configured
   * `JWT_AUDIENCE` list.
   */
  defaultAudience: string | string[];
  /**
   * Audiences a client without its own audience list may request.
   * Default: the `defaultAudience` values.
   */
  allowedAudiences?: string[];
  /** Token lifetime in seconds. Default 300; values above 300 are refused at start (ARCHITECTURE: at most 5 minutes). */
  tokenTtlSeconds?: number;
  /** Realm in `WWW-Authenticate: Basic realm="…"` on 401 answers. Default `tessera`. */
  realm?: string;
};

/** A validated token request, after parsing the body and the `Authorization` header. */
export type TokenRequest = {
  grantType: string;
  /** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or from the body. */
  credentials: { clientId: string; clientSecret: string; method: 'basic' | 'body' };
  /** Requested scopes, deduplicated; `undefined` when no `scope` was sent (grant all allowed ones). */
  scopes: string[] | undefined;
  /** Requested audiences from `resource` (RFC 8707) or `audience`; `undefined` for the default. */
  audiences: string[] | undefined;
};

/** The successful token response (RFC 6749 §5.1). */
export type TokenResponse = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
};
