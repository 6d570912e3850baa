export { verifyRequest } from './verify-request.ts';
export type { RequestVerification, VerifyRequestOptions } from './verify-request.ts';
