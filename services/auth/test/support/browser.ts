import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium: the only browser this machine and CI can install (browser downloads are not reachable). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether the browser tests can run here; without it they are skipped, loudly (see {@link warnChromiumMissing}). */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** One loud line for a run without Chromium, so a skipped browser suite is never mistaken for a passing one. */
export function warnChromiumMissing(suite: string): void {
  console.warn(
    `!! ${suite}: SKIPPED, no browser at ${CHROMIUM_PATH}. ` +
      'Install it with: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium',
  );
}

/** Launches headless Chromium with nothing of its own on the network (no updates, sync or QUIC probes). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A static HTML page served over real HTTP; its origin is what CORS and Better Auth judge. */
export type StaticPage = {
  /** `http://127.0.0.1:<port>`: the page's origin, also the URL to open. */
  origin: string;
  close(): Promise<void>;
};

/**
 * Serves one empty HTML page on an ephemeral port of 127.0.0.1 (every path; `/favicon.ico` answers 404).
 * Same host as the test auth service, another port: same-site, cross-origin, exactly a SPA next to its API.
 */
export async function startStaticPage(title: string): Promise<StaticPage> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${title}</body></html>`;
  const server = createServer((request, response) => {
    if (request.url === '/favicon.ico') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a page's `fetch` produced, as the page's own script sees it. */
export type PageFetchResult =
  | {
      outcome: 'response';
      status: number;
      /** `opaque` for a `no-cors` request: the script sees no status, headers or body. */
      type: string;
      /** The headers the script asked to read: `null` when absent or not exposed by CORS. */
      headers: Record<string, string | null>;
      body: string;
    }
  | { outcome: 'rejected'; errorName: string; message: string };

/** A `fetch` to run inside the page; only JSON-serialisable parts of `RequestInit`. */
export type PageFetchRequest = {
  url: string;
  init?: {
    method?: string;
    credentials?: 'include' | 'omit' | 'same-origin';
    mode?: 'cors' | 'no-cors';
    headers?: Record<string, string>;
    body?: string;
  };
  /** Response headers the script tries to read. */
  read?: string[];
};

/**
 * Runs `fetch` in the page, so the browser applies CORS and its cookie rules, and reports what the page's
 * script could see. A rejection (CORS failure) is returned, not thrown.
 */
export function fetchFromPage(page: Page, request: PageFetchRequest): Promise<PageFetchResult> {
  return page.evaluate(
    async ({ url, init, read }) => {
      try {
        const response = await fetch(url, init);
        const headers: Record<string, string | null> = {};
        for (const name of read) headers[name] = response.headers.get(name);
        return {
          outcome: 'response' as const,
          status: response.status,
          type: response.type,
          headers,
          body: await response.text(),
        };
      } catch (error) {
        const { name, message } = error instanceof Error ? error : new Error(String(error));
        return { outcome: 'rejected' as const, errorName: name, message };
      }
    },
    { url: request.url, init: request.init ?? {}, read: request.read ?? [] },
  );
}

/** A credentialed JSON POST from the page, as a SPA sends sign-up and sign-in. */
export function postJsonFromPage(
  page: Page,
  url: string,
  body: unknown,
  read: string[] = [],
): Promise<PageFetchResult> {
  return fetchFromPage(page, {
    url,
    init: {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
    read,
  });
}
