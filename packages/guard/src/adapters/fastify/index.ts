export { bearerAuth, requireScope } from './bearer-auth.ts';
export type { FastifyBearerAuthOptions } from './bearer-auth.ts';
export type { GuardOutcome } from '../../http/authenticate.ts';
