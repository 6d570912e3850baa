import { apiDocs } from '@tessera/server';
import { Hono } from 'hono';
import type { AuthConfig } from '../config.ts';
import { MAX_WAIT_SECONDS, REVOCATIONS_PATH } from '../revocations/revocations-route.ts';
import { type RouteOperation, withoutUnavailableRoutes } from './unavailable-routes.ts';

/** The part of Better Auth's generated OpenAPI document this service republishes. */
type BetterAuthOpenApi = {
  openapi: string;
  components?: unknown;
  tags?: unknown;
  paths: Record<string, unknown>;
};

/** Where {@link openApiRoutes} takes its parts from. */
export type OpenApiSources = {
  config: AuthConfig;
  /** Better Auth's `openAPI` plugin: a description of every `/api/auth` route, relative to its base path. */
  generateBetterAuthDocument: () => Promise<BetterAuthOpenApi>;
  /** Routes that answer nothing useful with the options Better Auth runs with (see `unavailableRoutes`). */
  unavailable?: RouteOperation[];
};

const DISCOVERY_PATH = {
  '/.well-known/openid-configuration': {
    get: {
      tags: ['Discovery'],
      operationId: 'getOpenIdConfiguration',
      description:
        'Issuer, JWKS location (absent in shared-secret mode), token endpoint, grant types and signing algorithms.',
      security: [],
      responses: { '200': { description: 'Authorization server metadata' } },
    },
  },
};

const entrySchema = {
  type: 'object',
  description:
    'A revoked session (`sid`) or OAuth client (`client_id`): tokens naming it are refused until `expires_at`.',
  properties: {
    sid: { type: 'string', description: 'The ended session: the `sid` claim of the user tokens issued for it.' },
    client_id: { type: 'string', description: 'The revoked client: the `client_id` claim of its service tokens.' },
    revoked_at: { type: 'integer', description: 'When it was revoked (seconds since the epoch).' },
    expires_at: {
      type: 'integer',
      description: 'After this no token issued before `revoked_at` is valid: the entry can be dropped.',
    },
  },
  required: ['revoked_at', 'expires_at'],
};

const REVOCATIONS_PATH_ITEM = {
  [REVOCATIONS_PATH]: {
    get: {
      tags: ['Revocations'],
      operationId: 'getRevocations',
      description:
        'The sessions and OAuth clients revoked within the longest token lifetime plus 30 s, and a way to follow them. ' +
        'Without `after`: the whole list, with an ETag (`If-None-Match` answers 304). With `after=<cursor>`: what came ' +
        'after it, held up to `wait` seconds until there is something; a cursor of another process answers the whole list. Public, like the JWKS.',
      security: [],
      parameters: [
        {
          name: 'after',
          in: 'query',
          required: false,
          schema: { type: 'string', maxLength: 200 },
          description: 'The `cursor` of an earlier answer.',
        },
        {
          name: 'wait',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
          description: 'With `after`: seconds to hold the request until something comes after the cursor.',
        },
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: 'The ETag of the whole list you hold.',
        },
      ],
      responses: {
        '200': {
          description:
            '`complete: true`: the whole list; `complete: false`: the entries after `after` (possibly none).',
          headers: { ETag: { schema: { type: 'string' }, description: 'On whole-list answers: `"<cursor>"`.' } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  cursor: { type: 'string' },
                  complete: { type: 'boolean' },
                  revocations: { type: 'array', items: entrySchema },
                },
                required: ['cursor', 'complete', 'revocations'],
              },
            },
          },
        },
        '304': { description: 'The whole list is unchanged since the ETag in `If-None-Match`.' },
        '400': { description: 'An unknown parameter, or `wait` out of range (problem+json).' },
      },
    },
  },
};

/**
 * The service's API description, built once on first use: Better Auth's routes under `/api/auth`, plus
 * discovery. Better Auth describes its paths relative to `<AUTH_URL>/api/auth`; here they are absolute
 * paths on `AUTH_URL`, so one document describes the whole service.
 */
async function buildOpenApiDocument({
  config,
  generateBetterAuthDocument,
  unavailable = [],
}: OpenApiSources): Promise<Record<string, unknown>> {
  const generated = await generateBetterAuthDocument();
  const paths: Record<string, unknown> = { ...DISCOVERY_PATH, ...REVOCATIONS_PATH_ITEM };
  for (const [path, item] of Object.entries(withoutUnavailableRoutes(generated.paths, unavailable)))
    paths[`/api/auth${path}`] = item;
  // In shared-secret mode the JWKS route only answers 404: do not advertise it.
  if (config.jwt.mode === 'secret') delete paths['/api/auth/jwks'];
  return {
    openapi: generated.openapi,
    info: {
      title: 'Tessera auth service',
      version: '0.1.0',
      description:
        'Accounts and sessions (Better Auth), user JWTs from /api/auth/token, the JWKS, service tokens, and revocations.',
    },
    servers: [{ url: config.url }],
    tags: generated.tags,
    components: generated.components,
    paths,
  };
}

/** `GET /openapi.json` and `GET /docs` (Swagger UI reading it). */
export function openApiRoutes(sources: OpenApiSources): Hono {
  let document: Promise<Record<string, unknown>> | undefined;
  return new Hono()
    .get('/openapi.json', async (c) => {
      document ??= buildOpenApiDocument(sources).catch((error: unknown) => {
        document = undefined; // try again on the next request rather than caching a failure
        throw error;
      });
      return c.json(await document);
    })
    .route('/', apiDocs({ title: 'Tessera auth API' }));
}
