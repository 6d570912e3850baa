import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const spaRoot = fileURLToPath(new URL('../..', import.meta.url));
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** The SPA, built by Vite for one pair of service URLs and served over real HTTP on 127.0.0.1. */
export type SpaSite = {
  /** `http://127.0.0.1:<port>`: what TRUSTED_ORIGINS must name. */
  origin: string;
  /** Builds the app for these services (their URLs are compiled in, as `vite build` does). */
  build(urls: { authUrl: string; tasksUrl: string }): Promise<void>;
  close(): Promise<void>;
};

/** Listens first (the origin must be known before the services start), builds later. */
export async function startSpaSite(): Promise<SpaSite> {
  const directory = mkdtempSync(join(tmpdir(), 'tessera-spa-'));
  const outDir = join(directory, 'dist');
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    let file = join(outDir, path);
    if (!file.startsWith(outDir) || extname(file) === '') file = join(outDir, 'index.html'); // client-side routes
    try {
      const body = readFileSync(file);
      response
        .writeHead(200, {
          'content-type': types[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        })
        .end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    async build({ authUrl, tasksUrl }) {
      writeFileSync(join(directory, '.env'), `TESSERA_AUTH_URL=${authUrl}\nTESSERA_TASKS_URL=${tasksUrl}\n`);
      await build({
        root: spaRoot,
        configFile: join(spaRoot, 'vite.config.ts'),
        envDir: directory,
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(directory, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
