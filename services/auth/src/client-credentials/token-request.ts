import { readBasicCredentials } from './basic-credentials.ts';
import { TokenEndpointError } from './error-codes.ts';
import { parseScopeParameter } from './grant-policy.ts';
import type { TokenRequest } from './types.ts';

/** The grant this endpoint serves (RFC 6749 §4.4.2). */
const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/** Token requests are a few hundred bytes; anything far larger is refused before parsing. */
const MAX_BODY_BYTES = 16 * 1024;
/** No legitimate parameter value (ids, secrets, scopes, resource URIs) comes near this. */
const MAX_VALUE_LENGTH = 2048;
/** Parameters that may appear more than once: RFC 8707 §2 allows several `resource` values. */
const REPEATABLE = new Set(['resource', 'audience']);

/** Request parameters by name; a name with several values came from a repeated form field or a JSON array. */
type Parameters = Map<string, string[]>;

/**
 * Reads and checks a token request: a form (`application/x-www-form-urlencoded`, the RFC's encoding) or JSON
 * body, plus the `Authorization` header. Everything malformed becomes a `TokenEndpointError`, never a throw of
 * anything else, so garbage gets an RFC 6749 §5.2 answer instead of a 500.
 */
export async function readTokenRequest(request: Request): Promise<TokenRequest> {
  const parameters = await readParameters(request);

  const grantType = single(parameters, 'grant_type');
  if (grantType === undefined) throw new TokenEndpointError('invalid_request', 'grant_type is required');
  if (grantType !== CLIENT_CREDENTIALS_GRANT) throw new TokenEndpointError('unsupported_grant_type');

  const scope = single(parameters, 'scope');
  return {
    grantType,
    credentials: readCredentials(request.headers.get('authorization'), parameters),
    scopes: scope === undefined ? undefined : parseScopeParameter(scope),
    audiences: readAudiences(parameters),
  };
}

async function readParameters(request: Request): Promise<Parameters> {
  const declaredLength = Number(request.headers.get('content-length') ?? 0);
  if (declaredLength > MAX_BODY_BYTES) throw new TokenEndpointError('invalid_request', 'the request body is too large');

  let body: string;
  try {
    body = await request.text();
  } catch {
    throw new TokenEndpointError('invalid_request', 'the request body could not be read');
  }
  if (Buffer.byteLength(body) > MAX_BODY_BYTES)
    throw new TokenEndpointError('invalid_request', 'the request body is too large');

  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const parameters =
    mediaType === 'application/x-www-form-urlencoded' || (mediaType === '' && body === '')
      ? formParameters(body)
      : mediaType === 'application/json'
        ? jsonParameters(body)
        : undefined;
  if (parameters === undefined) {
    throw new TokenEndpointError(
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded or application/json',
    );
  }

  for (const [name, values] of parameters) {
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
    if (values.length > 1 && !REPEATABLE.has(name))
      throw new TokenEndpointError('invalid_request', `${name} is repeated`);
    if (values.some((value) => value.length > MAX_VALUE_LENGTH))
      throw new TokenEndpointError('invalid_request', `${name} is too long`);
  }
  return parameters;
}

function formParameters(body: string): Parameters {
  // URLSearchParams never throws: bad percent-escapes stay literal, invalid UTF-8 becomes U+FFFD, and such
  // values then simply fail authentication or the scope syntax check.
  const parameters: Parameters = new Map();
  for (const [name, value] of new URLSearchParams(body)) parameters.set(name, [...(parameters.get(name) ?? []), value]);
  return parameters;
}

function jsonParameters(body: string): Parameters {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new TokenEndpointError('invalid_request', 'the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TokenEndpointError('invalid_request', 'the JSON body must be an object');
  }
  const parameters: Parameters = new Map();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') parameters.set(name, [value]);
    else if (REPEATABLE.has(name) && Array.isArray(value) && value.every((item) => typeof item === 'string'))
      parameters.set(name, value);
    else throw new TokenEndpointError('invalid_request', `${name} must be a string`);
  }
  return parameters;
}

/** The only value of a non-repeatable parameter (repeats were refused while reading). */
function single(parameters: Parameters, name: string): string | undefined {
  return parameters.get(name)?.[0];
}

/**
 * Client authentication, by exactly one method (RFC 6749 §2.3): HTTP Basic, or `client_id` and
 * `client_secret` in the body. Both at once is `invalid_request`; none at all is `invalid_client`.
 */
function readCredentials(authorization: string | null, parameters: Parameters): TokenRequest['credentials'] {
  const basic = readBasicCredentials(authorization);
  const bodyClientId = single(parameters, 'client_id');
  const bodyClientSecret = single(parameters, 'client_secret');

  if (basic !== undefined) {
    if (bodyClientSecret !== undefined) {
      throw new TokenEndpointError('invalid_request', 'use either HTTP Basic or client_secret in the body, not both');
    }
    // A body client_id alongside Basic is tolerated (RFC 6749 §3.2.1) only when it names the same client.
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new TokenEndpointError('invalid_request', 'client_id in the body differs from the Basic credentials');
    }
    return { ...basic, method: 'basic' };
  }
  if (bodyClientId === undefined && bodyClientSecret === undefined) {
    throw new TokenEndpointError('invalid_client', 'client authentication is required');
  }
  if (bodyClientId === undefined || bodyClientId === '')
    throw new TokenEndpointError('invalid_request', 'client_id is required');
  // Only confidential clients exist here: a client_id without a secret cannot authenticate.
  if (bodyClientSecret === undefined || bodyClientSecret === '')
    throw new TokenEndpointError('invalid_client', 'client_secret is required');
  return { clientId: bodyClientId, clientSecret: bodyClientSecret, method: 'body' };
}

/**
 * The requested audiences: RFC 8707 `resource` (repeatable) or the common `audience` extension. Sending
 * both is accepted only when they name the same audiences, so there is never a question which one won.
 */
function readAudiences(parameters: Parameters): string[] | undefined {
  const resource = parameters.get('resource');
  const audience = parameters.get('audience');
  if (resource !== undefined && audience !== undefined && !sameSet(resource, audience)) {
    throw new TokenEndpointError('invalid_request', 'resource and audience name different audiences; send one of them');
  }
  const requested = resource ?? audience;
  if (requested === undefined) return undefined;
  if (requested.length === 0 || requested.some((value) => value.trim() === '')) {
    throw new TokenEndpointError('invalid_target', 'resource must not be empty');
  }
  return [...new Set(requested)];
}

function sameSet(left: string[], right: string[]): boolean {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  return leftSet.size === rightSet.size && [...leftSet].every((value) => rightSet.has(value));
}
