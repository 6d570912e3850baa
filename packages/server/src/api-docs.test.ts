import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiDocs } from './api-docs.ts';

const distVersion = (
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), 'utf8')) as {
    version: string;
  }
).version;

function appWithDocs(options: Parameters<typeof apiDocs>[0]) {
  return new Hono().get('/openapi.json', (c) => c.json({ openapi: '3.1.0' })).route('/', apiDocs(options));
}

/** The `src` and `href` values of a page. */
function referencesOf(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

describe('apiDocs', () => {
  it('serves a page that loads its script and styles from its own origin only', async () => {
    const response = await appWithDocs({ title: 'Tessera test API' }).request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(html).toContain('<title>Tessera test API</title>');
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(referencesOf(html)).toEqual([
      `/docs/swagger-ui-${distVersion}/favicon-32x32.png`,
      `/docs/swagger-ui-${distVersion}/swagger-ui.css`,
      `/docs/swagger-ui-${distVersion}/swagger-ui-bundle.js`,
      `/docs/swagger-ui-${distVersion}/init.js`,
    ]);
  });

  it('sends a Content-Security-Policy that allows nothing from another origin, and no inline script', async () => {
    const response = await appWithDocs({ title: 't' }).request('/docs');
    const policy = Object.fromEntries(
      (response.headers.get('content-security-policy') ?? '').split(';').map((directive) => {
        const [name, ...sources] = directive.trim().split(/\s+/);
        return [name, sources];
      }),
    );
    expect(policy['default-src']).toEqual(["'none'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'none'"]);
    expect(policy['form-action']).toEqual(["'none'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.text()).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it('serves each referenced asset from the installed swagger-ui-dist, with its type', async () => {
    const app = appWithDocs({ title: 't' });
    const html = await (await app.request('/docs')).text();
    const [icon, styles, bundle, init] = await Promise.all(
      referencesOf(html).map((reference) => app.request(reference)),
    );
    expect([icon!.status, styles!.status, bundle!.status, init!.status]).toEqual([200, 200, 200, 200]);
    expect(icon!.headers.get('content-type')).toBe('image/png');
    expect(styles!.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(bundle!.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(init!.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const distFile = (name: string) =>
      readFileSync(createRequire(import.meta.url).resolve(`swagger-ui-dist/${name}`), 'utf8');
    expect(await bundle!.text()).toBe(distFile('swagger-ui-bundle.js'));
    expect(await styles!.text()).toBe(distFile('swagger-ui.css'));
    // The versioned files never change under their path; the settings may, with the service.
    expect(bundle!.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(init!.headers.get('cache-control')).toBe('no-cache');
    for (const asset of [icon!, styles!, bundle!, init!])
      expect(asset.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('points Swagger UI at the document, with no validator badge (it would send the URL to validator.swagger.io)', async () => {
    const app = appWithDocs({ title: 't', specUrl: '/v2/openapi.json' });
    const init = await (await app.request(`/docs/swagger-ui-${distVersion}/init.js`)).text();
    const settings = JSON.parse(/SwaggerUIBundle\((.*)\);/.exec(init)?.[1] ?? 'null') as Record<string, unknown>;
    expect(settings).toMatchObject({ url: '/v2/openapi.json', dom_id: '#swagger-ui', validatorUrl: null });
  });

  it('serves under another path when asked, and escapes the title', async () => {
    const app = appWithDocs({ title: '<Tessera & "co">', path: '/reference' });
    const html = await (await app.request('/reference')).text();
    expect(html).toContain('<title>&#60;Tessera &#38; &#34;co&#34;&#62;</title>');
    expect(referencesOf(html).every((reference) => reference.startsWith(`/reference/swagger-ui-${distVersion}/`))).toBe(
      true,
    );
    expect((await app.request('/docs')).status).toBe(404);
  });

  it('serves no other file of the package', async () => {
    const app = appWithDocs({ title: 't' });
    for (const path of [
      `/docs/swagger-ui-${distVersion}/package.json`,
      `/docs/swagger-ui-${distVersion}/swagger-ui-bundle.js.map`,
      `/docs/swagger-ui-${distVersion}/../../package.json`,
      '/docs/swagger-ui-0.0.0/swagger-ui-bundle.js',
    ]) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });
});
