export { bearerAuth } from './bearer-auth.ts';
export type { BearerAuthOptions, GuardOutcome, GuardVariables } from './bearer-auth.ts';
