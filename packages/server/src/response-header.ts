import type { Context } from 'hono';

/**
 * Sets a header on the response a handler returned, in place. `c.header()` after the handler would rebuild the
 * response; some responses have immutable headers (`Response.redirect()`, a proxied `fetch()` answer), and those
 * are copied first.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}
