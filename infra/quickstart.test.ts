// The README's Quickstart and walk-through, as a user on a fresh machine runs them: a client registered with the
// clients CLI, then `npm start` (scripts/start.mjs) on the embedded default, then the walk-through's requests, then
// SIGTERM; then all of it again on the same DATA_DIR, as a person repeating it would. Each step asserts what the
// README shows, so the README cannot drift from what the stack does. Requests go
// out like curl's: exactly the headers given (Node's own fetch adds Sec-Fetch-* headers, which Better Auth takes for a
// browser's).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeFetch as fetch, type NativeRequestInit } from '@tessera/auth/testing';
import { authFetch, clientCredentials } from '@tessera/client';
import { unusedPort } from '@tessera/server/testing';
import type { TasksApi } from '@tessera/tasks';
import { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The claims of a JWT, as the README's `node -p` line prints them. */
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the README, against npm start on the embedded default, run twice on the same DATA_DIR', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let AUTH: string;
  let TASKS: string;
  let SPA: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-quickstart-'));
    const [authPort, tasksPort, spaPort] = [await unusedPort(), await unusedPort(), await unusedPort()];
    AUTH = `http://localhost:${authPort}`;
    TASKS = `http://localhost:${tasksPort}`;
    SPA = `http://localhost:${spaPort}`;
    // A fresh machine: no database URLs (the embedded default), no secrets (generated into DATA_DIR).
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      AUTH_PORT: String(authPort),
      TASKS_PORT: String(tasksPort),
      SPA_PORT: String(spaPort),
      AUTH_URL: AUTH,
    };
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each([1, 2])('run %i', (run) => {
    let stack: ChildProcess;
    let output = '';
    let exited: Promise<number | null>;
    let client: { client_id: string; client_secret: string };
    // The README's RUN=$(date +%s): each run signs up users of its own.
    const RUN = `${Date.now()}${run}`;

    beforeAll(async () => {
      // Before `npm start`: on the embedded database one process holds it at a time. The CLI writes client.json itself.
      const out = join(dataDir, 'client.json');
      const created = spawnSync(
        process.execPath,
        [
          '--conditions=@tessera/source',
          '--import',
          'tsx',
          'services/auth/src/clients/cli.ts',
          'create',
          'reporting',
          '--scopes',
          'tasks:read',
          '--out',
          out,
        ],
        { cwd: root, env, encoding: 'utf8' },
      );
      expect(created.status, created.stderr).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      client = JSON.parse(readFileSync(out, 'utf8')) as typeof client;

      stack = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      exited = new Promise((resolve) => stack.once('exit', (code) => resolve(code)));
      // start.mjs prints its banner once both services answer, or exits when one does not start.
      const deadline = Date.now() + 150_000;
      while (!output.includes('Tessera is running') && stack.exitCode === null && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 250));
      if (!output.includes('Tessera is running')) throw new Error(`npm start did not come up:\n${output}`);
    }, 180_000);

    afterAll(() => {
      if (stack?.exitCode === null) stack.kill('SIGKILL');
    });

    it('refuses to register a client while the stack holds the database, and writes nothing', () => {
      const out = join(dataDir, 'while-running.json');
      const refused = spawnSync(
        process.execPath,
        [
          '--conditions=@tessera/source',
          '--import',
          'tsx',
          'services/auth/src/clients/cli.ts',
          'create',
          'late',
          '--scopes',
          'tasks:read',
          '--out',
          out,
        ],
        { cwd: root, env, encoding: 'utf8' },
      );
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/in use/);
      expect(existsSync(out)).toBe(false);
    }, 60_000);

    const json = (body: unknown): NativeRequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bearer = (token: string, init: NativeRequestInit = {}): NativeRequestInit => ({
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token}` },
    });
    const email = (name: string) => `${name.toLowerCase()}-${RUN}@example.com`;
    const signUp = (name: string) =>
      fetch(`${AUTH}/api/auth/sign-up/email`, json({ email: email(name), password: 'correct-horse-battery', name }));

    it('0. serves the example app, and names its URL first', async () => {
      expect(output.split('Tessera is running:\n')[1]?.split('\n')[0]).toBe(`  spa    ${SPA}`);
      const page = await fetch(`${SPA}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
    });

    let adaCookie: string;
    let ada: string;
    let adaId: string;
    let task: string;
    let bobSession: string;
    let bob: string;

    it('1–2. signs up, and signs in like a browser with a cookie and a trusted Origin', async () => {
      const signedUp = await signUp('Ada');
      expect(signedUp.status).toBe(200);
      expect(((await signedUp.json()) as { user: { email: string } }).user.email).toBe(email('Ada'));
      expect(signedUp.headers.get('set-auth-token')).toBeTruthy();

      const signedIn = await fetch(`${AUTH}/api/auth/sign-in/email`, {
        ...json({ email: email('Ada'), password: 'correct-horse-battery' }),
        headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
      });
      expect(signedIn.status).toBe(200);
      adaCookie = signedIn.headers
        .getSetCookie()
        .map((cookie) => cookie.split(';')[0])
        .join('; ');
      expect(adaCookie).toContain('session_token=');
    });

    it('3–4. trades the session cookie for a 15-minute JWT that the published JWKS verifies', async () => {
      const answer = await fetch(`${AUTH}/api/auth/token`, { headers: { cookie: adaCookie } });
      expect(answer.status).toBe(200);
      ada = ((await answer.json()) as { token: string }).token;
      const claims = claimsOf(ada);
      expect(claims).toMatchObject({ email: email('Ada'), name: 'Ada', iss: AUTH, aud: 'tessera' });
      expect(claims.sub).toBe(claims.user_id);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(15 * 60);
      adaId = String(claims.sub);

      const jwks = (await (await fetch(`${AUTH}/api/auth/jwks`)).json()) as {
        keys: { alg: string; crv: string; kid: string }[];
      };
      expect(jwks.keys.map(({ alg, crv }) => ({ alg, crv }))).toContainEqual({ alg: 'EdDSA', crv: 'Ed25519' });
      expect(jwks.keys.map((key) => key.kid)).toContain(
        JSON.parse(Buffer.from(ada.split('.')[0]!, 'base64url').toString('utf8')).kid,
      );
    });

    it("5. creates a task owned by the token's subject and lists it", async () => {
      const created = await fetch(
        `${TASKS}/v1/tasks`,
        bearer(ada, json({ title: 'Write the launch post', dueAt: '2026-12-01T09:00:00Z' })),
      );
      expect(created.status).toBe(201);
      const body = (await created.json()) as { id: string; userId: string; status: string; description: unknown };
      expect(body).toMatchObject({ userId: adaId, title: 'Write the launch post', status: 'todo', description: null });
      task = body.id;
      const listed = (await (await fetch(`${TASKS}/v1/tasks?limit=10`, bearer(ada))).json()) as {
        items: { id: string }[];
        nextCursor: unknown;
      };
      expect(listed).toEqual({ items: [expect.objectContaining({ id: task })], nextCursor: null });
    });

    it('6. lets a mobile app, with no cookie and no Origin, exchange its session token for a JWT', async () => {
      const signedUp = await signUp('Bob');
      expect(signedUp.status).toBe(200);
      bobSession = signedUp.headers.get('set-auth-token') ?? '';
      const answer = await fetch(`${AUTH}/api/auth/token`, bearer(bobSession));
      expect(answer.status).toBe(200);
      bob = ((await answer.json()) as { token: string }).token;
      expect(claimsOf(bob)).toMatchObject({ email: email('Bob') });
    });

    it("7. refuses Bob Ada's task (404), her id (403), a body owner (400), and a request with no token (401)", async () => {
      expect((await fetch(`${TASKS}/v1/tasks/${task}`, bearer(bob))).status).toBe(404);
      const named = await fetch(`${TASKS}/v1/users/${adaId}/tasks`, bearer(bob));
      expect(named.status).toBe(403);
      expect(await named.json()).toEqual({
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: "A user token may only reach the caller's own tasks",
        code: 'forbidden',
      });
      const planted = await fetch(`${TASKS}/v1/tasks`, bearer(bob, json({ title: 'planted', userId: adaId })));
      expect(planted.status).toBe(400);
      expect(await planted.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: 'userId', message: 'is not a known field' }],
      });
      const anonymous = await fetch(`${TASKS}/v1/tasks`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    });

    it("8. lets the reporting client read any user's tasks, not write them", async () => {
      const answer = await fetch(`${AUTH}/api/auth/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'tasks:read' }).toString(),
      });
      expect(answer.status).toBe(200);
      const service = ((await answer.json()) as { access_token: string }).access_token;
      const read = (await (await fetch(`${TASKS}/v1/users/${adaId}/tasks`, bearer(service))).json()) as {
        items: unknown[];
      };
      expect(read.items).toHaveLength(1);
      const write = await fetch(`${TASKS}/v1/users/${adaId}/tasks`, bearer(service, json({ title: 'from a worker' })));
      expect(write.status).toBe(403);
      expect(((await write.json()) as { code: string }).code).toBe('insufficient_scope');
    });

    it("8. in TypeScript: clientCredentials and authFetch read the same user's tasks through hono/client", async () => {
      const reporting = clientCredentials({
        tokenUrl: `${AUTH}/api/auth/oauth2/token`,
        clientId: client.client_id,
        clientSecret: client.client_secret,
        scope: 'tasks:read',
      });
      const tasks = hc<TasksApi>(TASKS, { fetch: authFetch(reporting) });
      const response = await tasks.v1.users[':userId'].tasks.$get({ param: { userId: adaId }, query: {} });
      expect(response.status).toBe(200);
      if (response.status === 200) expect((await response.json()).items).toHaveLength(1);
    });

    it('9. stops issuing JWTs for a session once it signs out, and the tasks service refuses the old JWT', async () => {
      const signedOut = await fetch(`${AUTH}/api/auth/sign-out`, bearer(bobSession, json({})));
      expect(await signedOut.json()).toEqual({ success: true });
      expect((await fetch(`${AUTH}/api/auth/token`, bearer(bobSession))).status).toBe(401);
      // The README waits a second (the revocation bound); here the test waits only as long as it takes.
      await vi.waitFor(
        async () => {
          const refused = await fetch(`${TASKS}/v1/tasks`, bearer(bob));
          expect(refused.status).toBe(401);
          expect(await refused.json()).toMatchObject({ code: 'invalid_token', reason: 'token_revoked' });
        },
        { timeout: 5_000, interval: 50 },
      );
    });

    it('stops both services gracefully on SIGTERM, exit code 0', async () => {
      stack.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.match(/\| .*"msg":"shut down"/g)).toHaveLength(2);
    }, 30_000);
  });
});
