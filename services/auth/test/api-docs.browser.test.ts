import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { startOn } from './support/auth-client.ts';
import { hasChromium, launchChromium, warnChromiumMissing } from './support/browser.ts';

/*
 * The docs page of the auth service in real Chromium: Swagger UI must render the service's own OpenAPI document
 * with nothing loaded from another origin (a script from a CDN would run with this origin's cookies), and the
 * page's Content-Security-Policy must not get in Swagger UI's way. The machine has no internet, so a page that
 * still needed a CDN would render nothing here.
 */

if (!hasChromium) warnChromiumMissing('services/auth/test/api-docs.browser.test.ts (the docs page in a browser)');

describe.skipIf(!hasChromium)('GET /docs in Chromium', () => {
  let browser: Browser;
  let auth: TestAuthService;

  beforeAll(async () => {
    [browser, auth] = await Promise.all([launchChromium(), startOn('memory://')]);
  });
  afterAll(async () => {
    await browser?.close();
    await auth?.close();
  });

  it('renders the OpenAPI document with Swagger UI, loading everything from the service itself, within its CSP', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const requested: string[] = [];
      const refusals: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') refusals.push(message.text());
      });
      page.on('pageerror', (error) => refusals.push(error.message));
      page.on('response', (answer) => {
        if (answer.status() >= 400) refusals.push(`${answer.status()} ${answer.url()}`);
      });

      // What the CSP blocked, as the page itself is told (also what produces no console line).
      await page.addInitScript(() => {
        const violations: string[] = [];
        (window as unknown as { cspViolations: string[] }).cspViolations = violations;
        document.addEventListener('securitypolicyviolation', (event) =>
          violations.push(`${event.effectiveDirective} ${event.blockedURI}`),
        );
      });

      const response = await page.goto(`${auth.url}/docs`);
      expect(response?.status()).toBe(200);
      // Swagger UI lists an operation only after it loaded, parsed and rendered /openapi.json.
      const signIn = page.locator('.opblock-summary-path', { hasText: '/api/auth/sign-in/email' }).first();
      await signIn.waitFor({ timeout: 20_000 });
      expect(await page.title()).toBe('Tessera auth API');
      // Opened, an operation renders its schemas and examples (highlighted code): within the CSP too.
      await signIn.click();
      await page
        .locator('.opblock-body .highlight-code, .opblock-body .model-example')
        .first()
        .waitFor({ timeout: 10_000 });

      expect(requested.length).toBeGreaterThanOrEqual(5); // the page, its styles, its two scripts, the document (and its icon)
      expect(requested.filter((url) => !url.startsWith(`${auth.url}/`) && !url.startsWith('data:'))).toEqual([]);
      expect(requested).toContain(`${auth.url}/openapi.json`);
      expect(refusals).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
