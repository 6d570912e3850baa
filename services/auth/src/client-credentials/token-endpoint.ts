import { authChallenge } from '@tessera/guard';
import { createAuthEndpoint } from 'better-auth/api';
import { audienceClaim } from '../tokens/jwt-plugin-options.ts';
import { hasIssuedClientIdShape } from './client-store.ts';
import { TOKEN_ERROR_CODES, TokenEndpointError } from './error-codes.ts';
import { grantAudiences, grantScopes } from './grant-policy.ts';
import type { ResolvedClientCredentialsOptions } from './options.ts';
import { readTokenRequest } from './token-request.ts';
import type { TokenRequest, TokenResponse } from './types.ts';

/** Path under Better Auth's base path: `POST /api/auth/oauth2/token`. */
export const TOKEN_ENDPOINT_PATH = '/oauth2/token';

/** RFC 6749 §5.1: token responses (and so errors from the same endpoint) must not be cached. */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/**
 * The client-credentials token endpoint (RFC 6749 §4.4). Better Auth's body parsing is disabled: it accepts
 * JSON only and answers its own error shape, while this endpoint must take form bodies, spot repeated
 * parameters and answer every problem in the RFC 6749 §5.2 format.
 */
export function createTokenEndpoint(options: ResolvedClientCredentialsOptions) {
  return createAuthEndpoint(
    TOKEN_ENDPOINT_PATH,
    {
      method: 'POST',
      disableBody: true,
      requireRequest: true,
      metadata: { openapi: tokenEndpointOpenApi },
    },
    async (ctx) => {
      let clientId: string | undefined;
      try {
        // `auth.api.clientCredentialsToken()` without a Request has no raw body to read.
        if (ctx.request === undefined)
          throw new TokenEndpointError('invalid_request', 'this endpoint is served over HTTP only');
        const tokenRequest = await readTokenRequest(ctx.request);
        clientId = tokenRequest.credentials.clientId;
        const issued = await issueServiceToken(tokenRequest, options);
        // An audit line per service token: who got which scopes, never the token itself.
        ctx.context.logger.info('client-credentials: issued a service token', { clientId, scope: issued.scope });
        return tokenJson(200, issued);
      } catch (error) {
        if (!(error instanceof TokenEndpointError)) throw error;
        if (error.code === 'invalid_client' && clientId !== undefined) {
          // Only an id of the shape this server issues is logged: a caller that swapped id and secret (or pasted
          // anything else there) must not get its secret into the logs.
          ctx.context.logger.warn('client-credentials: client authentication failed', {
            clientId: hasIssuedClientIdShape(clientId) ? clientId : '(not a client id)',
          });
        }
        return tokenErrorResponse(error, options.realm);
      }
    },
  );
}

/** Authenticates the client, decides scopes and audiences, and signs the token. */
async function issueServiceToken(
  request: TokenRequest,
  options: ResolvedClientCredentialsOptions,
): Promise<TokenResponse> {
  const { clientId, clientSecret } = request.credentials;
  const client = await options.clients.verify(clientId, clientSecret);
  // One answer for unknown, revoked and wrong-secret clients, so the endpoint cannot be used to probe ids.
  if (client === undefined) throw new TokenEndpointError('invalid_client');

  const scopes = grantScopes(request.scopes, client.scopes);
  const audiences = grantAudiences(request.audiences, client.audiences, options);
  const scope = scopes.join(' ');
  const accessToken = await options.sign(
    { sub: `client:${client.clientId}`, client_id: client.clientId, scope },
    { audience: audienceClaim(audiences), expiresInSeconds: options.tokenTtlSeconds },
  );
  return { access_token: accessToken, token_type: 'Bearer', expires_in: options.tokenTtlSeconds, scope };
}

/** The RFC 6749 §5.2 error answer; a 401 names the Basic scheme as RFC 9110 §15.5.2 requires. */
function tokenErrorResponse(error: TokenEndpointError, realm: string): Response {
  const response = tokenJson(error.status, { error: error.code, error_description: error.description });
  if (error.status === 401)
    response.headers.set('WWW-Authenticate', authChallenge('Basic', { realm, charset: 'UTF-8' }));
  return response;
}

function tokenJson(status: number, body: object): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE },
  });
}

const errorSchema = {
  type: 'object' as const,
  properties: {
    error: { type: 'string', enum: Object.keys(TOKEN_ERROR_CODES) },
    error_description: { type: 'string' },
  },
  required: ['error'],
};

const requestSchema = {
  type: 'object' as const,
  properties: {
    grant_type: { type: 'string', enum: ['client_credentials'] },
    scope: { type: 'string', description: 'Space-separated scopes; default: all the client may have' },
    resource: { type: 'string', description: 'Audience of the token (RFC 8707); default: the service audience' },
    audience: { type: 'string', description: 'Same as resource' },
    client_id: { type: 'string', description: 'Only without HTTP Basic' },
    client_secret: { type: 'string', description: 'Only without HTTP Basic' },
  },
  required: ['grant_type'],
};

const tokenEndpointOpenApi = {
  operationId: 'clientCredentialsToken',
  description:
    'Issue a service token with the client-credentials grant ([RFC 6749 §4.4](https://datatracker.ietf.org/doc/html/rfc6749#section-4.4)). ' +
    'Authenticate with HTTP Basic or client_id/client_secret in the body; send a form or JSON body.',
  requestBody: {
    content: {
      'application/x-www-form-urlencoded': { schema: requestSchema },
      'application/json': { schema: requestSchema },
    },
  },
  responses: {
    '200': {
      description: 'The access token',
      content: {
        'application/json': {
          schema: {
            type: 'object' as const,
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', enum: ['Bearer'] },
              expires_in: { type: 'number' },
              scope: { type: 'string' },
            },
            required: ['access_token', 'token_type', 'expires_in', 'scope'],
          },
        },
      },
    },
    '400': {
      description: 'invalid_request, unsupported_grant_type, invalid_scope or invalid_target',
      content: { 'application/json': { schema: errorSchema } },
    },
    '401': { description: 'invalid_client', content: { 'application/json': { schema: errorSchema } } },
  },
};
