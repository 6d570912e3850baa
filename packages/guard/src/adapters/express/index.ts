export { bearerAuth, requireScope } from './bearer-auth.ts';
export type { ExpressBearerAuthOptions } from './bearer-auth.ts';
export type { GuardOutcome } from '../../http/authenticate.ts';
