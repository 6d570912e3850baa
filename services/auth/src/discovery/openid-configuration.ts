import { Hono } from 'hono';
import type { AuthConfig } from '../config.ts';
import { signingAlgorithm } from '../tokens/jwt-plugin-options.ts';

/** Metadata of this authorization server, in the shape of OpenID Connect Discovery 1.0 / RFC 8414. */
export type OpenIdConfiguration = {
  issuer: string;
  /** Absent in shared-secret mode: there is no public key to publish. */
  jwks_uri?: string;
  token_endpoint: string;
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  /** Algorithms of the access tokens this service signs (user tokens and service tokens alike). */
  access_token_signing_alg_values_supported: string[];
  /** Same list, under the name generic OIDC discovery clients require. No ID tokens are issued. */
  id_token_signing_alg_values_supported: string[];
};

/** Builds the discovery document for the configuration; it never changes while the service runs. */
export function openIdConfiguration(config: AuthConfig): OpenIdConfiguration {
  const algs = [signingAlgorithm(config)];
  return {
    issuer: config.issuer,
    ...(config.jwt.mode === 'jwks' ? { jwks_uri: `${config.url}/api/auth/jwks` } : {}),
    token_endpoint: `${config.url}/api/auth/oauth2/token`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    access_token_signing_alg_values_supported: algs,
    id_token_signing_alg_values_supported: algs,
  };
}

/** `GET /.well-known/openid-configuration`, cacheable for an hour. */
export function discoveryRoutes(config: AuthConfig): Hono {
  const document = openIdConfiguration(config);
  return new Hono().get('/.well-known/openid-configuration', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(document);
  });
}
