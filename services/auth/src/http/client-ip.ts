import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Internal request header carrying the client address to Better Auth (which only reads IPs from headers).
 * Whatever a client sends under this name is dropped first, so it cannot choose its own rate-limit bucket.
 */
export const CLIENT_IP_HEADER = 'x-tessera-client-ip';

/**
 * Decides each request's client address, once, for Better Auth's rate limiter and session records:
 *
 * - with `trustedProxyIpHeader` (TRUSTED_PROXY_IP_HEADER) set, the right-most address in that header: the one
 *   the trusted proxy wrote or appended (anything to its left came from the client and may be forged);
 * - otherwise, or when the header is missing or not an IP, the TCP peer address.
 *
 * Returns a function giving the request to hand to Better Auth, with {@link CLIENT_IP_HEADER} set.
 */
export function clientIpRequest(trustedProxyIpHeader: string | undefined): (c: Context) => Request {
  return function withClientIpHeader(c) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete(CLIENT_IP_HEADER);
    const address =
      (trustedProxyIpHeader === undefined ? undefined : lastAddress(headers.get(trustedProxyIpHeader))) ??
      socketAddress(c);
    if (address !== undefined) headers.set(CLIENT_IP_HEADER, address);
    return new Request(c.req.raw, { headers });
  };
}

function lastAddress(value: string | null): string | undefined {
  const last = value?.split(',').at(-1)?.trim();
  return last !== undefined && isIP(last) !== 0 ? last : undefined;
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not running on @hono/node-server (e.g. `app.request()` in a unit test)
  }
}
