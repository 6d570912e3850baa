export type { GuardOutcome } from '../../http/authenticate.ts';
export type { BearerAuthOptions, GuardVariables } from './bearer-auth.ts';
export { bearerAuth } from './bearer-auth.ts';
