import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { hasChromium, launchChromium, warnChromiumMissing } from '@tessera/auth/testing/browser';
import { testDatabaseTargets } from '@tessera/db/testing';
import { startTasksStack, type TasksStack } from '@tessera/tasks/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SpaSite, startSpaSite } from './support/spa-site.ts';

/*
 * The SPA as a person uses it: built by Vite, served over HTTP, driven in Chromium by its accessible names,
 * against the real auth and tasks services. Tokens live 4 seconds (a refresh is due after 2), so every test
 * crosses refreshes, and the token calls are counted at the auth service.
 */

if (!hasChromium) warnChromiumMissing('examples/spa/test/spa.browser.test.ts (the SPA end to end)');

const SCREENSHOT = fileURLToPath(new URL('../../../docs/spa.png', import.meta.url));
const TOKEN = '/api/auth/token';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasChromium)('the SPA in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  describe.each(testDatabaseTargets())('against the real services on %s', (target) => {
    let site: SpaSite;
    let stack: TasksStack;
    let context: BrowserContext;

    beforeAll(async () => {
      site = await startSpaSite();
      stack = await startTasksStack({ target, env: { TRUSTED_ORIGINS: site.origin, JWT_TTL: '4s' } });
      await site.build({ authUrl: stack.auth.url, tasksUrl: stack.url });
    });
    afterAll(async () => {
      await stack?.close();
      await site?.close();
    });
    beforeEach(async () => {
      context = await browser.newContext();
    });
    afterEach(() => context?.close());

    const tokenCalls = () => stack.auth.requestCount(TOKEN);
    const newPerson = (name = 'Grace') => ({
      name,
      email: `${name.toLowerCase()}-${randomUUID()}@example.test`,
      password: `pw-${randomUUID()}`,
    });

    async function open(into: BrowserContext = context): Promise<Page> {
      const page = await into.newPage();
      await page.goto(site.origin);
      return page;
    }

    async function signUp(page: Page, person: { name: string; email: string; password: string }) {
      await page.getByRole('tab', { name: 'I am new here' }).click();
      await page.getByLabel('Name', { exact: true }).fill(person.name);
      await page.getByLabel('Email', { exact: true }).fill(person.email);
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByRole('button', { name: 'Sign up', exact: true }).click();
      await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
    }

    async function signIn(page: Page, person: { email: string; password: string }) {
      await page.getByLabel('Email', { exact: true }).fill(person.email);
      await page.getByLabel('Password', { exact: true }).fill(person.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }

    const task = (page: Page, title: string) => page.getByRole('listitem').filter({ hasText: title });

    async function add(page: Page, title: string) {
      await page.getByLabel('New task', { exact: true }).fill(title);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await task(page, title).waitFor();
    }

    async function titlesOn(page: Page): Promise<{ title: string; done: boolean }[]> {
      await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
      await page.getByText('Loading…').waitFor({ state: 'detached' });
      return page.getByRole('listitem').evaluateAll((items) =>
        items.map((item) => ({
          title: item.querySelector('.title')?.textContent ?? '',
          done: item.querySelector('input')?.checked ?? false,
        })),
      );
    }

    it('signs up, adds three tasks, completes one, deletes one, and finds them as left after a reload', async () => {
      const page = await open();
      await page.setViewportSize({ width: 420, height: 640 });
      await signUp(page, { ...newPerson('Ada'), email: 'ada@example.com' });
      for (const title of ['Write the launch post', 'Review the pull request', 'Book the venue'])
        await add(page, title);

      await task(page, 'Review the pull request').getByRole('checkbox', { name: 'Done' }).check();
      await task(page, 'Book the venue').getByRole('button', { name: 'Delete' }).click();
      await task(page, 'Book the venue').waitFor({ state: 'detached' });

      const expected = [
        { title: 'Write the launch post', done: false },
        { title: 'Review the pull request', done: true },
      ];
      expect(await titlesOn(page)).toEqual(expected);
      await page.reload();
      expect(await titlesOn(page)).toEqual(expected);
      if (target === 'memory://') await page.screenshot({ path: SCREENSHOT });
    });

    it("shows a second user in another browser none of the first user's tasks", async () => {
      const first = await open();
      await signUp(first, newPerson('First'));
      await add(first, 'Only mine');
      const other = await browser.newContext();
      try {
        const second = await open(other);
        await signUp(second, newPerson('Second'));
        expect(await titlesOn(second)).toEqual([]);
        await expect.poll(() => second.getByText('Nothing to do').isVisible()).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('keeps working across several token expiries, fetching a new token each time', async () => {
      const page = await open();
      await signUp(page, newPerson());
      await add(page, 'before any expiry');
      for (const round of [1, 2, 3]) {
        const before = tokenCalls();
        await sleep(4_200); // the last token has expired
        await add(page, `after expiry ${round}`);
        expect(tokenCalls()).toBeGreaterThan(before);
      }
      await page.reload();
      expect((await titlesOn(page)).map(({ title }) => title)).toEqual([
        'before any expiry',
        'after expiry 1',
        'after expiry 2',
        'after expiry 3',
      ]);
    });

    it('makes one token call per refresh between two tabs, counted at the auth service', async () => {
      const first = await open();
      await signUp(first, newPerson());
      const second = await open();
      await titlesOn(second);
      for (const round of [1, 2]) {
        await sleep(2_200); // the shared token is due for refresh
        const before = tokenCalls();
        await Promise.all([add(first, `first tab ${round}`), add(second, `second tab ${round}`)]);
        expect(tokenCalls() - before).toBe(1);
      }
    });

    it('signs the other tab out when one tab signs out', async () => {
      const first = await open();
      await signUp(first, newPerson());
      const second = await open();
      await titlesOn(second);
      await first.getByRole('button', { name: 'Sign out' }).click();
      await first.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await second.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
      await second.reload();
      await second.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    });

    it('says so in words when the password is wrong, or the server cannot be reached', async () => {
      const person = newPerson();
      const page = await open();
      await signUp(page, person);
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, { email: person.email, password: 'not-the-password' });
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/invalid email or password/i);

      await context.route(`${stack.auth.url}/**`, (route) => route.abort('connectionrefused'));
      await signIn(page, person);
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/cannot reach the server/i);
    });
  });
});
