export { revocationRetentionSeconds, VERIFIER_CLOCK_TOLERANCE_SECONDS } from './retention.ts';
export type { RevocationEntry } from './revocation-entry.ts';
export type { RevocationFeed, RevocationFeedOptions } from './revocation-feed.ts';
export { createRevocationFeed } from './revocation-feed.ts';
export type { RevocationsBody } from './revocations-route.ts';
export { MAX_WAIT_SECONDS, REVOCATIONS_PATH, revocationRoutes } from './revocations-route.ts';
export type { RevocationRow } from './schema.ts';
export { revocation } from './schema.ts';
