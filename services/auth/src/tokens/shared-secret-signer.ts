import { type JWTPayload, SignJWT } from 'jose';

/** A header the JWT plugin may ask for (e.g. `typ`), merged into the protected header. */
export type ExtraJwtHeader = { typ?: string; cty?: string };

/**
 * The JWT plugin's custom `jwt.sign` for `JWT_MODE=secret`: HS256 over the payload the plugin built
 * (it has already set `iss`, `aud`, `iat` and `exp`). Resource services verify with the same `JWT_SECRET`.
 */
export function createSharedSecretSigner(
  secret: string,
): (payload: JWTPayload, header?: ExtraJwtHeader) => Promise<string> {
  const key = new TextEncoder().encode(secret);
  return async function signWithSharedSecret(payload, header) {
    return new SignJWT(payload).setProtectedHeader({ ...header, alg: 'HS256', typ: header?.typ ?? 'JWT' }).sign(key);
  };
}
