import { describe, expect, it } from 'vitest';
import type { OAuthClientStore } from './client-store.ts';
import { ClientCredentialsOptionsError } from './options.ts';
import { clientCredentials } from './plugin.ts';
import type { ClientCredentialsOptions } from './types.ts';

// Option checks run before the store or signer is used, so inert stand-ins are enough here.
const clients = {} as OAuthClientStore;
const sign: ClientCredentialsOptions['sign'] = async () => 'unused';

function optionsError(options: Partial<ClientCredentialsOptions>): string | undefined {
  try {
    clientCredentials({ clients, sign, defaultAudience: 'tessera', ...options });
    return undefined;
  } catch (error) {
    return error instanceof ClientCredentialsOptionsError ? error.code : 'not a ClientCredentialsOptionsError';
  }
}

describe('clientCredentials options', () => {
  it('registers POST /oauth2/token', () => {
    const plugin = clientCredentials({ clients, sign, defaultAudience: ['tessera', 'tasks'] });
    expect(plugin.id).toBe('client-credentials');
    expect(plugin.endpoints.clientCredentialsToken.path).toBe('/oauth2/token');
    expect(plugin.endpoints.clientCredentialsToken.options.method).toBe('POST');
  });

  it.each([
    ['a lifetime over 5 minutes', { tokenTtlSeconds: 301 }],
    ['a lifetime of 0', { tokenTtlSeconds: 0 }],
    ['a fractional lifetime', { tokenTtlSeconds: 1.5 }],
    ['no default audience', { defaultAudience: [] }],
    ['a blank default audience', { defaultAudience: ' ' }],
    ['a default audience that is not allowed', { defaultAudience: 'tessera', allowedAudiences: ['tasks'] }],
    ['a realm with a quote', { realm: 'a"b' }],
  ])('fails at start for %s', (_, options) => {
    expect(optionsError(options)).toBe('client_credentials_options_invalid');
  });

  it('accepts a 5-minute lifetime and a shorter one', () => {
    expect(optionsError({ tokenTtlSeconds: 300 })).toBeUndefined();
    expect(optionsError({ tokenTtlSeconds: 60 })).toBeUndefined();
  });
});
