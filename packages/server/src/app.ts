import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Registry } from 'prom-client';
import { accessLog } from './access-log.ts';
import { bodyEncoding } from './body-encoding.ts';
import { bodySizeLimit } from './body-limit.ts';
import { contentTypeOptions } from './content-type-options.ts';
import type { Logger } from './logger.ts';
import { createMetrics, markUnmatched, requestMetrics } from './metrics.ts';
import {
  HttpProblem,
  invalidJsonProblem,
  problemFromHttpException,
  problemJson,
  zodValidationHook,
} from './problem.ts';
import { READINESS_TIMEOUT_MS, type ReadinessChecks, readinessHandler } from './readiness.ts';
import { requestId } from './request-id.ts';
import type { ServerVariables } from './server-variables.ts';

/** Options of {@link createApp}. */
export type CreateAppOptions = {
  /** Service name, for logs. */
  service: string;
  /** The service's logger; each request gets a child of it as `c.var.log`. */
  logger: Logger;
  /** Largest accepted request body, in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Checks run by `GET /readyz`, e.g. `{ database: () => database.ping() }`. Default: none (always ready). */
  readiness?: ReadinessChecks;
  /** How long each readiness check may take. Default 2000 ms. */
  readinessTimeoutMs?: number;
  /** Registry served at `/metrics`. Default: a fresh one from `createMetrics()`. */
  metrics?: Registry;
};

/**
 * The Hono app every service starts from, with request ids, access logs, metrics, a body-size limit,
 * `/healthz`, `/readyz`, `/metrics`, problem+json errors and a JSON 404. Add the service's routes to it.
 */
export function createApp<V extends object = {}>(
  options: CreateAppOptions,
): OpenAPIHono<{ Variables: V & ServerVariables }> {
  const { logger, readiness = {}, readinessTimeoutMs = READINESS_TIMEOUT_MS, metrics = createMetrics() } = options;
  const maxBodyBytes = options.bodyLimit ?? 64 * 1024;
  if (!(Number.isFinite(readinessTimeoutMs) && readinessTimeoutMs > 0))
    throw new TypeError('createApp: readinessTimeoutMs must be a positive number');

  const app = new OpenAPIHono<{ Variables: V & ServerVariables }>({ defaultHook: zodValidationHook });

  app.use(requestId());
  app.use(contentTypeOptions());
  app.use(accessLog(logger));
  app.use(requestMetrics(metrics));
  app.use(bodySizeLimit(maxBodyBytes));
  app.use(bodyEncoding());

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', readinessHandler(readiness, readinessTimeoutMs));
  app.get('/metrics', async (c) => c.body(await metrics.metrics(), 200, { 'Content-Type': metrics.contentType }));

  app.notFound((c) => {
    markUnmatched(c);
    return problemJson(
      c,
      new HttpProblem({ status: 404, code: 'not_found', detail: 'No route matches this method and path.' }),
    );
  });
  app.onError((error, c) => {
    const problem = problemFor(error, c);
    if (problem === undefined) {
      // Unknown errors are bugs or infrastructure failures: log everything, answer nothing specific.
      (c.get('log') ?? logger).error({ err: error }, 'unhandled error');
      return problemJson(
        c,
        new HttpProblem({ status: 500, code: 'internal_error', detail: 'An unexpected error occurred.' }),
      );
    }
    return problemJson(c, problem);
  });

  return app;
}

/** Maps the errors we understand to problems; undefined for anything else. */
function problemFor(error: Error, c: Context): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof HTTPException) return problemFromHttpException(error);
  // `await c.req.json()` in a plain handler throws a SyntaxError for a malformed body.
  if (error instanceof SyntaxError && sentJsonBody(c)) return invalidJsonProblem();
  return undefined;
}

function sentJsonBody(c: Context): boolean {
  const mediaType = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  return c.req.raw.body !== null && /^application\/([\w.-]+\+)?json$/.test(mediaType);
}
