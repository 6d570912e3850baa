import { Hono } from 'hono';
import { apiDocs } from '@tessera/server';
import type { AuthConfig } from '../config.ts';
import { withoutUnavailableRoutes, type RouteOperation } from './unavailable-routes.ts';

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
      description: 'Issuer, JWKS location (absent in shared-secret mode), token endpoint, grant types and signing algorithms.',
      security: [],
      responses: { '200': { description: 'Authorization server metadata' } },
    },
  },
};

/**
 * The service's API description, built once on first use: Better Auth's routes under `/api/auth`, plus
 * discovery. Better Auth describes its paths relative to `<AUTH_URL>/api/auth`; here they are absolute
 * paths on `AUTH_URL`, so one document describes the whole service.
 */
async function buildOpenApiDocument({ config, generateBetterAuthDocument, unavailable = [] }: OpenApiSources): Promise<Record<string, unknown>> {
  const generated = await generateBetterAuthDocument();
  const paths: Record<string, unknown> = { ...DISCOVERY_PATH };
  for (const [path, item] of Object.entries(withoutUnavailableRoutes(generated.paths, unavailable))) paths[`/api/auth${path}`] = item;
  // In shared-secret mode the JWKS route only answers 404: do not advertise it.
  if (config.jwt.mode === 'secret') delete paths['/api/auth/jwks'];
  return {
    openapi: generated.openapi,
    info: {
      title: 'Tessera auth service',
      version: '0.1.0',
      description: 'Accounts and sessions (Better Auth), user JWTs from /api/auth/token, the JWKS, and service tokens.',
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
