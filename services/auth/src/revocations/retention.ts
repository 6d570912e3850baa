import { MAX_TOKEN_TTL_SECONDS } from '../client-credentials/index.ts';
import type { AuthConfig } from '../config.ts';

/** The clock tolerance resource services allow on `exp` (the guard's default, from the architecture page). */
export const VERIFIER_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * How long a revocation is kept: the longest a token issued before it could still verify, i.e. the longest
 * lifetime of either kind of token (`JWT_TTL`, service tokens' 5 minutes) plus the verifiers' clock tolerance.
 */
export function revocationRetentionSeconds(config: Pick<AuthConfig, 'jwtTtlSeconds'>): number {
  return Math.max(config.jwtTtlSeconds, MAX_TOKEN_TTL_SECONDS) + VERIFIER_CLOCK_TOLERANCE_SECONDS;
}
