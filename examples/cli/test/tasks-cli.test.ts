import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeFetch } from '@tessera/client/node';
import { testDatabaseTargets } from '@tessera/db/testing';
import { startTasksStack, type TasksStack } from '@tessera/tasks/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
type Run = { code: number | null; stdout: string; stderr: string };

describe.each(testDatabaseTargets())('the tasks CLI against the real stack on %s', (target) => {
  let stack: TasksStack;
  let user: { email: string; password: string; sessionToken: string };
  let configHome: string;

  beforeAll(async () => {
    stack = await startTasksStack({ target });
    user = await stack.auth.signUp({ name: 'Terminal User' });
    configHome = mkdtempSync(join(tmpdir(), 'tessera-cli-test-'));
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(configHome, { recursive: true, force: true });
  });

  const sessionPath = () => join(configHome, 'tessera', 'session');

  /** Runs the real CLI as `npm run tasks` does, as a child process, with `input` on its stdin. */
  function cli(args: string[], input = ''): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--conditions=@tessera/source', '--import', 'tsx', 'examples/cli/src/main.ts', ...args],
        {
          cwd: root,
          env: {
            PATH: process.env.PATH,
            HOME: configHome,
            XDG_CONFIG_HOME: configHome,
            TESSERA_AUTH_URL: stack.auth.url,
            TESSERA_TASKS_URL: stack.url,
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  }

  it('refuses a wrong password with a readable message and stores nothing', async () => {
    const run = await cli(['login', user.email], 'not-the-password\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/invalid email or password/i);
    expect(() => statSync(sessionPath())).toThrow();
  });

  it('logs in with the password from stdin and keeps the session in a file only its user can read', async () => {
    const run = await cli(['login', user.email], `${user.password}\n`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`Signed in as ${user.email}`);
    expect(statSync(sessionPath()).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'tessera')).mode & 0o777).toBe(0o700);
  });

  it('adds, lists, completes and deletes tasks through the tasks service', async () => {
    const added = await cli(['add', 'Buy', 'oat', 'milk']);
    expect(added.code).toBe(0);
    const id = added.stdout.split(/\s+/)[0] ?? '';
    expect(added.stdout).toContain('[ ] Buy oat milk');
    await cli(['add', 'Call the plumber']);

    expect((await cli(['done', id])).stdout).toContain('[x] Buy oat milk');
    const listed = await cli(['ls']);
    expect(listed.stdout).toContain(`${id}  [x] Buy oat milk`);
    expect(listed.stdout).toMatch(/\[ \] Call the plumber/);

    expect((await cli(['rm', id])).code).toBe(0);
    expect((await cli(['ls'])).stdout).not.toContain('Buy oat milk');
  });

  it('answers a task that does not exist with the service message and exit code 1', async () => {
    const run = await cli(['done', '00000000-0000-4000-8000-000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^404: /);
  });

  it('says "signed out, run login" and exits 1 when the session was revoked elsewhere, and forgets it', async () => {
    const stored = readFileSync(sessionPath(), 'utf8').trim();
    const signOut = await nativeFetch(`${stack.auth.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stored}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(signOut.status).toBe(200);
    const run = await cli(['ls']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Signed out: run `npm run tasks -- login`/);
    expect(() => statSync(sessionPath())).toThrow();
  });

  it('logs out at the auth service and deletes the file', async () => {
    await cli(['login', user.email], `${user.password}\n`);
    const stored = readFileSync(sessionPath(), 'utf8').trim();
    const run = await cli(['logout']);
    expect(run).toMatchObject({ code: 0, stdout: 'Signed out.\n' });
    expect(() => statSync(sessionPath())).toThrow();
    const token = await nativeFetch(`${stack.auth.url}/api/auth/token`, {
      headers: { authorization: `Bearer ${stored}` },
    });
    expect(token.status).toBe(401);
  });
});
