export type { GuardOutcome } from '../../http/authenticate.ts';
export type { FastifyBearerAuthOptions } from './bearer-auth.ts';
export { bearerAuth, requireScope } from './bearer-auth.ts';
