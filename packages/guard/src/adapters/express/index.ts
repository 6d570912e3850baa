export type { GuardOutcome } from '../../http/authenticate.ts';
export type { ExpressBearerAuthOptions } from './bearer-auth.ts';
export { bearerAuth, requireScope } from './bearer-auth.ts';
