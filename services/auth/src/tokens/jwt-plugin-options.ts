import type { JwtOptions } from 'better-auth/plugins';
import type { AuthConfig } from '../config.ts';
import { createSharedSecretSigner } from './shared-secret-signer.ts';
import { userTokenClaims } from './user-token-claims.ts';

/**
 * Options of Better Auth's `jwt` plugin for the configured signing mode.
 *
 * - `jwks`: keys of `JWT_ALG` made and stored (encrypted) by the plugin, rotated every
 *   `JWT_ROTATION_INTERVAL` and kept in the JWKS for `JWT_GRACE_PERIOD` after that.
 * - `secret`: HS256 with `JWT_SECRET` through the plugin's `jwt.sign` hook, so `/api/auth/token` and
 *   `auth.api.signJWT` (service tokens) sign the same way in both modes.
 */
export function jwtPluginOptions(config: AuthConfig): JwtOptions {
  const jwt = {
    issuer: config.issuer,
    audience: audienceClaim(config.audience),
    // A number would be taken as an absolute `exp`; a string is a lifetime added to `iat`.
    expirationTime: `${config.jwtTtlSeconds}s`,
    definePayload: userTokenClaims,
  };

  if (config.jwt.mode === 'secret') {
    return {
      jwt: { ...jwt, sign: createSharedSecretSigner(config.jwt.secret) },
      jwks: {
        // The plugin insists on a remoteUrl (and an alg) whenever `jwt.sign` is set. Nothing serves it: its only
        // effect is that `/api/auth/jwks` answers 404, which is what secret mode wants (there is no public key).
        // No key pair is ever generated in this mode, so the alg is never used.
        remoteUrl: `${config.url}/api/auth/jwks`,
        keyPairConfig: { alg: 'EdDSA' },
      },
    };
  }

  const { alg, rotationIntervalSeconds, gracePeriodSeconds } = config.jwt;
  return {
    jwt,
    jwks: {
      keyPairConfig:
        alg === 'EdDSA' ? { alg, crv: 'Ed25519' } : alg === 'RS256' ? { alg, modulusLength: 2048 } : { alg },
      ...(rotationIntervalSeconds > 0 ? { rotationInterval: rotationIntervalSeconds } : {}),
      gracePeriod: gracePeriodSeconds,
    },
  };
}

/** One audience is a plain string claim (what most verifiers expect); several become an array. */
export function audienceClaim(audience: string[]): string | string[] {
  return audience.length === 1 && audience[0] !== undefined ? audience[0] : audience;
}

/** The `alg` of user and service tokens in this configuration. */
export function signingAlgorithm(config: AuthConfig): string {
  return config.jwt.mode === 'secret' ? 'HS256' : config.jwt.alg;
}
