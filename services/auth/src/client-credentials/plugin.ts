import type { BetterAuthPlugin } from 'better-auth';
import { resolveClientCredentialsOptions } from './options.ts';
import { createTokenEndpoint } from './token-endpoint.ts';
import type { ClientCredentialsOptions } from './types.ts';

/**
 * Better Auth plugin for the OAuth 2.0 client-credentials grant: `POST /api/auth/oauth2/token`.
 *
 * Written here instead of using `@better-auth/oauth-provider`: that package pins `better-call` 1.4.0 and
 * `@better-auth/utils` 0.4.2 as peers (better-auth 1.7.25 ships 1.4.5 and 0.5.1), and it brings a whole
 * authorization server (consent, client registration, its own tables) for one grant we need.
 * Tokens are signed by the same signer as user tokens, so a resource service verifies both with one key set.
 * Options are checked here, so a misconfiguration fails at start.
 */
export function clientCredentials(options: ClientCredentialsOptions) {
  const resolved = resolveClientCredentialsOptions(options);
  return {
    id: 'client-credentials',
    endpoints: { clientCredentialsToken: createTokenEndpoint(resolved) },
  } satisfies BetterAuthPlugin;
}
