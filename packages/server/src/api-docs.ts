import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Context, Hono } from 'hono';

/** Options of {@link apiDocs}. */
export type ApiDocsOptions = {
  /** The page's title, e.g. `Tessera tasks API`. */
  title: string;
  /** Where the page is served. Default `/docs`; its script and styles are served under it. */
  path?: string;
  /** The OpenAPI document the page reads, same origin. Default `/openapi.json`. */
  specUrl?: string;
};

/**
 * Nothing but this origin: the page may run only its own two scripts (no inline script), load only its own
 * styles, and talk only to its own service (the document, and "Try it out"). Swagger UI draws its icons as
 * `data:` images. The page may not be framed, nor post forms anywhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** The installed `swagger-ui-dist` (its version is the one `package-lock.json` pins). */
const swaggerUiDist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const swaggerUiVersion = (JSON.parse(readFileSync(join(swaggerUiDist, 'package.json'), 'utf8')) as { version: string })
  .version;

/** `&`, `<`, `>`, `"` and `'` as entities, for text and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A file of `swagger-ui-dist`, read on first use and kept (answered as a view of it, never copied). */
function distFile(name: string): () => Uint8Array<ArrayBuffer> {
  let contents: Uint8Array<ArrayBuffer> | undefined;
  return () => {
    if (contents === undefined) {
      const file = readFileSync(join(swaggerUiDist, name));
      contents = new Uint8Array(file.buffer as ArrayBuffer, file.byteOffset, file.byteLength);
    }
    return contents;
  };
}

/**
 * `GET /docs` (and `/docs/`): Swagger UI reading the service's OpenAPI document, all served by the service itself. Its
 * script and styles come from the installed `swagger-ui-dist`, never from a CDN: a script from another origin
 * would run with this origin's rights (on the auth service, its cookies), and the page works offline and in
 * closed networks. Every response carries a Content-Security-Policy that allows this origin only.
 *
 * The script's and styles' paths carry Swagger UI's version, so they can be cached for good; the page and its
 * settings (`init.js`) are revalidated. Mount the routes with `app.route('/', apiDocs({ title }))`.
 */
export function apiDocs({ title, path = '/docs', specUrl = '/openapi.json' }: ApiDocsOptions): Hono {
  const assets = `${path}/swagger-ui-${swaggerUiVersion}`;
  const page = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="icon" type="image/png" href="${escapeHtml(`${assets}/favicon-32x32.png`)}">`,
    `<link rel="stylesheet" href="${escapeHtml(`${assets}/swagger-ui.css`)}">`,
    '</head>',
    '<body>',
    '<div id="swagger-ui"></div>',
    `<script src="${escapeHtml(`${assets}/swagger-ui-bundle.js`)}"></script>`,
    `<script src="${escapeHtml(`${assets}/init.js`)}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  // No validator badge: it would send the document's URL to validator.swagger.io.
  const init = `window.ui = SwaggerUIBundle(${JSON.stringify({ url: specUrl, dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null })});\n`;

  const cachedForGood = 'public, max-age=31536000, immutable';
  const answer = (c: Context, body: string | Uint8Array<ArrayBuffer>, contentType: string, cacheControl: string) =>
    c.body(body, 200, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': cacheControl });
  const bundle = distFile('swagger-ui-bundle.js');
  const styles = distFile('swagger-ui.css');
  const icon = distFile('favicon-32x32.png');

  return (
    new Hono()
      .get(path, (c) => answer(c, page, 'text/html; charset=utf-8', 'no-cache'))
      // `/docs/` as well: the page loads everything by absolute path, so it works from either address.
      .get(`${path}/`, (c) => answer(c, page, 'text/html; charset=utf-8', 'no-cache'))
      .get(`${assets}/swagger-ui-bundle.js`, (c) =>
        answer(c, bundle(), 'text/javascript; charset=utf-8', cachedForGood),
      )
      .get(`${assets}/swagger-ui.css`, (c) => answer(c, styles(), 'text/css; charset=utf-8', cachedForGood))
      .get(`${assets}/favicon-32x32.png`, (c) => answer(c, icon(), 'image/png', cachedForGood))
      .get(`${assets}/init.js`, (c) => answer(c, init, 'text/javascript; charset=utf-8', 'no-cache'))
  );
}
