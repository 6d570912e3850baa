export type { RequestVerification, VerifyRequestOptions } from './verify-request.ts';
export { verifyRequest } from './verify-request.ts';
