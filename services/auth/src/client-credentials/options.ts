import type { ClientCredentialsOptions } from './types.ts';

/** ARCHITECTURE: a service token expires at most 5 minutes after issue. */
export const MAX_TOKEN_TTL_SECONDS = 300;

/** Options with defaults applied and lists normalised, as the token endpoint uses them. */
export type ResolvedClientCredentialsOptions = Required<Omit<ClientCredentialsOptions, 'defaultAudience'>> & {
  defaultAudience: string[];
};

/** A misconfigured plugin; thrown when `clientCredentials(...)` is called, so the service fails at start. */
export class ClientCredentialsOptionsError extends Error {
  override readonly name = 'ClientCredentialsOptionsError';
  readonly code = 'client_credentials_options_invalid';
}

/** Applies defaults and checks the options once, at start. */
export function resolveClientCredentialsOptions(options: ClientCredentialsOptions): ResolvedClientCredentialsOptions {
  const defaultAudience = [
    ...new Set(typeof options.defaultAudience === 'string' ? [options.defaultAudience] : options.defaultAudience),
  ];
  if (defaultAudience.length === 0 || defaultAudience.some((audience) => audience.trim() === '')) {
    throw new ClientCredentialsOptionsError('defaultAudience must name at least one non-empty audience');
  }
  const allowedAudiences = [...new Set(options.allowedAudiences ?? defaultAudience)];
  if (!defaultAudience.every((audience) => allowedAudiences.includes(audience))) {
    throw new ClientCredentialsOptionsError('every defaultAudience must also be in allowedAudiences');
  }
  const tokenTtlSeconds = options.tokenTtlSeconds ?? MAX_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1 || tokenTtlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new ClientCredentialsOptionsError(`tokenTtlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
  }
  const realm = options.realm ?? 'tessera';
  // The realm is sent inside a quoted-string; refusing quotes and backslashes keeps the header well-formed.
  if (!/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/.test(realm))
    throw new ClientCredentialsOptionsError('realm must be printable ASCII without " or \\');
  return {
    clients: options.clients,
    sign: options.sign,
    defaultAudience,
    allowedAudiences,
    tokenTtlSeconds,
    realm,
  };
}
