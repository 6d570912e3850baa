export { bearerAuth } from './bearer-auth.ts';
export type { BearerAuthOptions, GuardVariables } from './bearer-auth.ts';
export type { GuardOutcome } from '../../http/authenticate.ts';
