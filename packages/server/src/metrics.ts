import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** A fresh registry with the process metrics; never prom-client's global one, so apps in one process stay apart. */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Route label of requests that matched no route: one series for every unknown path. */
const UNMATCHED_ROUTE = 'unmatched';

const unmatchedRequests = new WeakSet<Context>();

/** Marks the request as having matched no route; the notFound handler calls it. */
export function markUnmatched(c: Context): void {
  unmatchedRequests.add(c);
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const LABELS = ['method', 'route', 'status'] as const;

/**
 * Counts requests and times them, labelled by method, the matched route pattern (`/v1/tasks/:id`, never the raw
 * path, which would create a series per id) and status.
 */
export function requestMetrics(registry: Registry): MiddlewareHandler {
  // Reuse the metrics when several apps share one registry: registering a name twice throws.
  const requests =
    (registry.getSingleMetric('http_requests_total') as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered',
      labelNames: LABELS,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('http_request_duration_seconds') as Histogram<(typeof LABELS)[number]> | undefined) ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, in seconds',
      labelNames: LABELS,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

  return async function requestMetricsMiddleware(c, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const labels = {
        method: KNOWN_METHODS.has(c.req.method) ? c.req.method : 'OTHER',
        route: routeLabel(c),
        status: String(c.res.status),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

/**
 * The pattern of the route that handled the request: the last matched route registered for a specific method
 * (middleware registered with `use()` is `ALL`, and may come after the routes), else the last matched pattern.
 */
function routeLabel(c: Context): string {
  if (unmatchedRequests.has(c)) return UNMATCHED_ROUTE;
  const routes = matchedRoutes(c);
  const handler = routes.findLast((route) => route.method !== 'ALL') ?? routes.at(-1);
  return handler?.path || UNMATCHED_ROUTE;
}
