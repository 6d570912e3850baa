import type { Page } from 'playwright-core';

/** What Chromium's network layer saw of one request, including what the page's script was never shown. */
export type NetworkExchange = {
  url: string;
  method: string;
  /** Names of the cookies Chromium attached to the request. */
  cookiesSent: string[];
  /** The status the server answered, when an answer arrived (also for a CORS-blocked one). */
  status?: number;
  /** The server's response headers, lower-cased names. */
  responseHeaders: Record<string, string>;
  /** Chromium's CORS verdict when it blocked the exchange, e.g. `MissingAllowOriginHeader`. */
  corsError?: string;
};

/** A running record of a page's network exchanges, read through the DevTools protocol. */
export type NetworkLog = {
  /** The exchanges with exactly this URL so far, in the order they were sent. */
  exchangesWith(url: string): NetworkExchange[];
};

/**
 * Records the page's requests from Chromium's side of the wire. A CORS failure leaves the script with a bare
 * `TypeError: Failed to fetch`; this log shows whether the cookie went out, what the server answered and which
 * CORS rule the browser applied, so a test can tell "the browser withheld it" from "the server refused it".
 * Playwright's own `response` events skip CORS-blocked answers, hence the DevTools protocol.
 */
export async function recordNetwork(page: Page): Promise<NetworkLog> {
  const exchanges = new Map<string, NetworkExchange>();
  // ExtraInfo events may arrive before requestWillBeSent: create the entry on whichever comes first.
  const entry = (requestId: string): NetworkExchange => {
    let exchange = exchanges.get(requestId);
    if (exchange === undefined) {
      exchange = { url: '', method: '', cookiesSent: [], responseHeaders: {} };
      exchanges.set(requestId, exchange);
    }
    return exchange;
  };

  const devtools = await page.context().newCDPSession(page);
  devtools.on('Network.requestWillBeSent', ({ requestId, request }) => {
    Object.assign(entry(requestId), { url: request.url, method: request.method });
  });
  devtools.on('Network.requestWillBeSentExtraInfo', ({ requestId, associatedCookies }) => {
    entry(requestId).cookiesSent = associatedCookies
      .filter(({ blockedReasons }) => blockedReasons.length === 0)
      .map(({ cookie }) => cookie.name);
  });
  devtools.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode, headers }) => {
    const exchange = entry(requestId);
    exchange.status = statusCode;
    exchange.responseHeaders = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
  });
  devtools.on('Network.loadingFailed', ({ requestId, corsErrorStatus }) => {
    if (corsErrorStatus !== undefined) entry(requestId).corsError = corsErrorStatus.corsError;
  });
  await devtools.send('Network.enable');

  return { exchangesWith: (url) => [...exchanges.values()].filter((exchange) => exchange.url === url) };
}
