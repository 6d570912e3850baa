import type { MiddlewareHandler } from 'hono';
import type { Logger } from './logger.ts';
import type { ServerVariables } from './server-variables.ts';

/** Paths probed by orchestrators and scrapers every few seconds: their successes are logged at debug only. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Gives each request a child logger tagged with its id (`c.var.log`) and writes one access-log line when it is
 * answered: method, path, status, duration. Never headers or the query string: they can carry credentials.
 */
export function accessLog(logger: Logger): MiddlewareHandler<{ Variables: ServerVariables }> {
  return async function accessLogMiddleware(c, next) {
    const log = logger.child({ requestId: c.var.requestId });
    c.set('log', log);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) log.error(line, 'request failed');
    else if (PROBE_PATHS.has(c.req.path) && status < 400) log.debug(line, 'request');
    else log.info(line, 'request');
  };
}
