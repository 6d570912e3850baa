export type { RequestVerification, VerifyRequestOptions } from './adapters/web-request/index.ts';
export { verifyRequest } from './adapters/web-request/index.ts';
export type { Algorithm } from './algorithms.ts';
export { isAlgorithm } from './algorithms.ts';
export type { CacheOptions } from './cache.ts';
export type { GuardErrorCode } from './errors.ts';
export { GuardConfigError, GuardError, guardErrorDescriptions } from './errors.ts';
export type { JwksOptions } from './keys/jwks-source.ts';
export type { StaticKeys } from './keys/static-keys.ts';
export type { BearerAuthOptions, GuardOutcome, GuardVariables } from './middleware/bearer-auth/index.ts';
export { bearerAuth } from './middleware/bearer-auth/index.ts';
export { requireScope } from './middleware/require-scope/index.ts';
export type { VerifierOptions } from './options.ts';
export type { Principal, TokenClaims } from './principal.ts';
export { serviceSubjectPrefix } from './principal.ts';
export type {
  BearerChallengeOptions,
  ProblemAnswer,
  ProblemBody,
  ProblemDetails,
  ProblemFieldError,
} from './problem/index.ts';
export {
  authChallenge,
  bearerChallenge,
  DEFAULT_REALM,
  MAX_PROBLEM_ERRORS,
  PROBLEM_CONTENT_TYPE,
  problemAnswer,
  problemBody,
  problemCodeForStatus,
  problemTitleForStatus,
} from './problem/index.ts';
export type { RevocationStatus, RevocationsOptions } from './revocations/revocation-source.ts';
export type { Verifier } from './verifier.ts';
export { createVerifier } from './verifier.ts';
