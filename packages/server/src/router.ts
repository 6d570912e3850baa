import { OpenAPIHono } from '@hono/zod-openapi';
import { zodValidationHook } from './problem.ts';
import type { ServerVariables } from './server-variables.ts';

/**
 * An `OpenAPIHono` sub-app for a group of routes, mounted with `app.route()`. It has the same `defaultHook` as
 * `createApp`: a bare `new OpenAPIHono()` would answer invalid input with zod-openapi's own JSON instead of the
 * 400 `validation_failed` problem.
 */
export function createRouter<V extends object = {}>(): OpenAPIHono<{ Variables: V & ServerVariables }> {
  return new OpenAPIHono<{ Variables: V & ServerVariables }>({ defaultHook: zodValidationHook });
}
