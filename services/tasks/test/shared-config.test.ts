import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeFetch } from '@tessera/auth/testing';
import { repoRoot } from '@tessera/config';
import { unusedPort } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Both services started as an operator starts them, from one set of variables that names no URL at all:
 * `AUTH_PORT` moves the auth service and, through the default `AUTH_URL`, where tasks fetches its keys;
 * `JWT_AUDIENCE` is a list; a trusted origin is written with a trailing slash. Each once broke tasks alone.
 */
describe('one set of shared variables, read the same by both services', () => {
  const children: ChildProcess[] = [];
  let dataDir: string;
  let auth: string;
  let tasks: string;

  function start(service: 'auth' | 'tasks', env: Record<string, string>): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--conditions=@tessera/source', '--import', 'tsx', join(repoRoot, 'services', service, 'src', 'main.ts')],
      {
        cwd: join(repoRoot, 'services', service),
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    children.push(child);
    return child;
  }

  /** Polls `url` until it answers 200: the service listens and, for tasks, has its keys. */
  async function untilReady(url: string, child: ChildProcess): Promise<void> {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for (let attempt = 0; attempt < 600; attempt++) {
      if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}: ${stderr}`);
      const status = await fetch(url).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} never became ready: ${stderr}`);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-shared-config-'));
    const [authPort, tasksPort] = [await unusedPort(), await unusedPort()];
    auth = `http://localhost:${authPort}`;
    tasks = `http://localhost:${tasksPort}`;
    const shared = {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      AUTH_PORT: String(authPort),
      JWT_AUDIENCE: 'tessera,reports',
      TRUSTED_ORIGINS: 'http://localhost:5173/',
    };
    const authProcess = start('auth', { ...shared, AUTH_DATABASE_URL: 'memory://' });
    await untilReady(`${auth}/readyz`, authProcess);
    const tasksProcess = start('tasks', { ...shared, TASKS_PORT: String(tasksPort), TASKS_DATABASE_URL: 'memory://' });
    await untilReady(`${tasks}/readyz`, tasksProcess);
  }, 240_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts a user token issued for a list of audiences, with keys fetched from AUTH_PORT', async () => {
    const signedUp = await nativeFetch(`${auth}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'shared-config@example.test', password: 'correct-horse-battery', name: 'Shared' }),
    });
    expect(signedUp.status).toBe(200);
    const session = signedUp.headers.get('set-auth-token');
    const tokenAnswer = await nativeFetch(`${auth}/api/auth/token`, {
      headers: { authorization: `Bearer ${session}` },
    });
    const { token } = (await tokenAnswer.json()) as { token: string };

    const listed = await fetch(`${tasks}/v1/tasks`, { headers: { authorization: `Bearer ${token}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ items: [], nextCursor: null });
  });

  it('lets the browser origin written with a trailing slash through CORS', async () => {
    const preflight = await fetch(`${tasks}/v1/tasks`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await fetch(`${tasks}/v1/tasks`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
