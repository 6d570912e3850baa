import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Internal request header carrying the TCP peer address to Better Auth (which only reads IPs from headers).
 * Whatever a client sends under this name is dropped first, so it cannot choose its own rate-limit bucket.
 */
export const CLIENT_IP_HEADER = 'x-tessera-client-ip';

/**
 * The request to hand to Better Auth: the same request, with {@link CLIENT_IP_HEADER} set to the socket's
 * remote address (or removed when there is no socket, e.g. `app.request()` in tests).
 */
export function withClientIpHeader(c: Context): Request {
  const headers = new Headers(c.req.raw.headers);
  headers.delete(CLIENT_IP_HEADER);
  const address = socketAddress(c);
  if (address !== undefined) headers.set(CLIENT_IP_HEADER, address);
  return new Request(c.req.raw, { headers });
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not running on @hono/node-server
  }
}
