export { createAccessTokenSigner } from './sign-access-token.ts';
export type { AccessTokenOptions, AccessTokenSigner, SignJwtApi } from './sign-access-token.ts';
export { audienceClaim, jwtPluginOptions, signingAlgorithm } from './jwt-plugin-options.ts';
export { createSharedSecretSigner } from './shared-secret-signer.ts';
export { userTokenClaims } from './user-token-claims.ts';
