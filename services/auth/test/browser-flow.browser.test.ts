import { randomBytes, randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { session, user } from '../src/db/schema.ts';
import type { TestAuthService } from '../src/testing.ts';
import { databaseTargets, startOn } from './support/auth-client.ts';
import {
  fetchFromPage,
  hasChromium,
  launchChromium,
  type PageFetchResult,
  postJsonFromPage,
  type StaticPage,
  startStaticPage,
  warnChromiumMissing,
} from './support/browser.ts';
import { recordNetwork } from './support/browser-network.ts';

/*
 * Only a browser enforces CORS: the other tests check the headers the service sends, this one checks what a
 * page's script is actually allowed to do with them. Real Chromium, the real auth service over real HTTP, two
 * static pages on other ports of 127.0.0.1 (same site, cross origin, like a SPA next to its API): one trusted.
 */

if (!hasChromium) warnChromiumMissing('services/auth/test/browser-flow.browser.test.ts (real-browser CORS tests)');

describe.skipIf(!hasChromium)('the browser flow in Chromium', () => {
  let trustedSite: StaticPage;
  let untrustedSite: StaticPage;
  let browser: Browser;

  // One browser for the whole file; the auth service is per database target.
  beforeAll(async () => {
    [trustedSite, untrustedSite, browser] = await Promise.all([
      startStaticPage('trusted app'),
      startStaticPage('untrusted app'),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([trustedSite?.close(), untrustedSite?.close()]);
  });

  describe.each(databaseTargets)('against the auth service on %s', (target) => {
    let auth: TestAuthService;
    let context: BrowserContext;

    beforeAll(async () => {
      auth = await startOn(target, { TRUSTED_ORIGINS: trustedSite.origin });
    });
    afterAll(() => auth?.close());
    // A fresh browser profile per test: no cookie leaks from one test into the next.
    beforeEach(async () => {
      context = await browser.newContext();
    });
    afterEach(() => context?.close());

    async function open(site: StaticPage): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${site.origin}/`);
      return page;
    }

    const api = (path: string) => `${auth.url}/api/auth${path}`;
    const newCredentials = () => ({
      email: `browser-${randomUUID()}@example.test`,
      password: `pw-${randomBytes(12).toString('base64url')}`,
      name: 'Browser User',
    });

    /** Signs in from the page with a credentialed JSON POST, as a SPA does. */
    function signInFromPage(page: Page, who: { email: string; password: string }, read: string[] = []) {
      return postJsonFromPage(page, api('/sign-in/email'), { email: who.email, password: who.password }, read);
    }

    /** A response the page could read, or the test fails with what the page saw instead. */
    function readable(result: PageFetchResult) {
      if (result.outcome !== 'response')
        throw new Error(`the page's fetch rejected: ${result.errorName}: ${result.message}`);
      return result;
    }

    async function verifyUserJwt(token: string | null | undefined): Promise<JWTPayload> {
      expect(token, 'a JWT the page could read').toEqual(expect.stringMatching(/^ey/));
      const jwks = createRemoteJWKSet(new URL(api('/jwks')));
      const { payload } = await jwtVerify(token ?? '', jwks, {
        issuer: auth.url,
        audience: 'tessera',
        algorithms: ['EdDSA'],
      });
      return payload;
    }

    async function sessionCount(userId: string): Promise<number> {
      const [row] = await auth.service.database.db
        .select({ n: count() })
        .from(session)
        .where(eq(session.userId, userId));
      return row?.n ?? 0;
    }

    async function userExists(email: string): Promise<boolean> {
      const rows = await auth.service.database.db.select({ id: user.id }).from(user).where(eq(user.email, email));
      return rows.length > 0;
    }

    it('signs up and in from a trusted page, and its session cookie buys a JWT cross-origin', async () => {
      const page = await open(trustedSite);
      const credentials = newCredentials();

      const signedUp = readable(await postJsonFromPage(page, api('/sign-up/email'), credentials));
      expect(signedUp.status).toBe(200);
      const userId = (JSON.parse(signedUp.body) as { user: { id: string } }).user.id;

      const signedIn = readable(await signInFromPage(page, credentials));
      expect(signedIn.status).toBe(200);

      // The browser stored the cookie and sends it on a credentialed cross-origin GET: nothing else carries the session.
      const tokenAnswer = readable(await fetchFromPage(page, { url: api('/token'), init: { credentials: 'include' } }));
      expect(tokenAnswer.status).toBe(200);
      const payload = await verifyUserJwt((JSON.parse(tokenAnswer.body) as { token: string }).token);
      expect(payload).toMatchObject({ sub: userId, user_id: userId, email: credentials.email });

      // Without credentials the same request carries no session.
      const anonymous = readable(await fetchFromPage(page, { url: api('/token'), init: { credentials: 'omit' } }));
      expect(anonymous.status).toBe(401);

      // The session cookie is HttpOnly: the page's script (same host, so same cookie jar) never sees it.
      const cookies = await context.cookies(auth.url);
      expect(cookies.find((cookie) => cookie.name === 'better-auth.session_token')).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
      });
      expect(await page.evaluate(() => document.cookie)).not.toContain('session_token');
    });

    it('lets a trusted page read set-auth-token after sign-in and set-auth-jwt from get-session', async () => {
      const existing = await auth.signUp();
      const page = await open(trustedSite);

      const signedIn = readable(await signInFromPage(page, existing, ['set-auth-token']));
      expect(signedIn.status).toBe(200);
      const sessionToken = signedIn.headers['set-auth-token'];
      // `<id>.<signature>`: the signed token the bearer plugin accepts.
      expect(sessionToken, 'set-auth-token as the page reads it').toEqual(expect.stringMatching(/^[^.]+\..+$/));
      await expect(auth.getJwt(sessionToken ?? '')).resolves.toMatch(/^ey/);

      const current = readable(
        await fetchFromPage(page, {
          url: api('/get-session'),
          init: { credentials: 'include' },
          read: ['set-auth-jwt'],
        }),
      );
      expect(current.status).toBe(200);
      expect((JSON.parse(current.body) as { user: { id: string } }).user.id).toBe(existing.userId);
      // Better Auth lists set-auth-jwt in Access-Control-Expose-Headers itself; Hono's CORS overwrites that list.
      const payload = await verifyUserJwt(current.headers['set-auth-jwt']);
      expect(payload).toMatchObject({ sub: existing.userId, user_id: existing.userId, email: existing.email });
    });

    it('withholds the session from an untrusted page of the same signed-in browser', async () => {
      const existing = await auth.signUp();
      const trustedPage = await open(trustedSite);
      expect(readable(await signInFromPage(trustedPage, existing)).status).toBe(200);

      const evilPage = await open(untrustedSite);
      const network = await recordNetwork(evilPage);
      for (const path of ['/get-session', '/token']) {
        const stolen = await fetchFromPage(evilPage, {
          url: api(path),
          init: { credentials: 'include' },
          read: ['set-auth-jwt'],
        });
        expect(stolen, path).toMatchObject({ outcome: 'rejected', errorName: 'TypeError' });
        // Same site, so the cookie went out and the server answered with the session; the browser kept the answer
        // from the script because it carried no Access-Control-Allow-Origin.
        await expect
          .poll(() => network.exchangesWith(api(path)), { message: path })
          .toMatchObject([
            { cookiesSent: ['better-auth.session_token'], status: 200, corsError: 'MissingAllowOriginHeader' },
          ]);
      }
      expect(network.exchangesWith(api('/get-session'))[0]?.responseHeaders['set-auth-jwt']).toMatch(/^ey/);

      // The session is still there and still works for the trusted page.
      expect(
        readable(await fetchFromPage(trustedPage, { url: api('/token'), init: { credentials: 'include' } })).status,
      ).toBe(200);
    });

    it('refuses sign-in and sign-up from an untrusted page: the POST is never sent and nothing is created', async () => {
      const existing = await auth.signUp();
      const sessionsBefore = await sessionCount(existing.userId);
      const page = await open(untrustedSite);
      const network = await recordNetwork(page);

      const stranger = newCredentials();
      const attempts = {
        '/sign-in/email': await signInFromPage(page, existing),
        '/sign-up/email': await postJsonFromPage(page, api('/sign-up/email'), stranger),
      };
      for (const [path, attempt] of Object.entries(attempts)) {
        expect(attempt, path).toMatchObject({ outcome: 'rejected', errorName: 'TypeError' });
        // A JSON POST needs a preflight; its answer names no allowed origin, so Chromium stops before the POST.
        const post = () => network.exchangesWith(api(path)).find(({ method }) => method === 'POST');
        await expect.poll(() => post()?.corsError, { message: path }).toBe('PreflightMissingAllowOriginHeader');
        expect(post()?.status, `${path}: the POST got an answer`).toBeUndefined();
      }

      expect(await sessionCount(existing.userId)).toBe(sessionsBefore);
      expect(await userExists(stranger.email)).toBe(false);
      expect((await context.cookies(auth.url)).map((cookie) => cookie.name)).not.toContain('better-auth.session_token');
    });

    it('has Better Auth refuse a form-style sign-in from an untrusted page, which CORS alone would let through', async () => {
      const existing = await auth.signUp();
      const sessionsBefore = await sessionCount(existing.userId);

      // What an HTML form can send needs no preflight: the browser delivers it, so only the server can say no.
      // The page's script sees an opaque answer either way; the status comes from the browser's network log.
      async function formSignIn(site: StaticPage) {
        const page = await open(site);
        const network = await recordNetwork(page);
        const seenByPage = await fetchFromPage(page, {
          url: api('/sign-in/email'),
          init: {
            method: 'POST',
            mode: 'no-cors',
            credentials: 'include',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ email: existing.email, password: existing.password }).toString(),
          },
        });
        expect(seenByPage).toMatchObject({ outcome: 'response', type: 'opaque', status: 0 });
        await expect.poll(() => network.exchangesWith(api('/sign-in/email'))[0]?.status).toBeDefined();
        return network.exchangesWith(api('/sign-in/email'));
      }

      const refused = await formSignIn(untrustedSite);
      expect(refused).toMatchObject([{ method: 'POST', status: 403 }]); // Better Auth's origin check (invalid_origin)
      expect(refused[0]?.responseHeaders['set-cookie']).toBeUndefined();
      expect(await sessionCount(existing.userId)).toBe(sessionsBefore);
      expect((await context.cookies(auth.url)).map((cookie) => cookie.name)).not.toContain('better-auth.session_token');

      // The same request from the trusted page signs in: the refusal above was the origin's, nothing else's.
      expect(await formSignIn(trustedSite)).toMatchObject([{ method: 'POST', status: 200 }]);
      expect(await sessionCount(existing.userId)).toBe(sessionsBefore + 1);
    });
  });
});
