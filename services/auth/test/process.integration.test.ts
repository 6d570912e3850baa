import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@tessera/config';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = join(repoRoot, 'services/auth/src/main.ts');
const TSX = join(repoRoot, 'node_modules/.bin/tsx');

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `tsx services/auth/src/main.ts` with exactly `env` (plus PATH), as an operator would. */
function startMain(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-auth-main-'));
  dirs.push(dataDir);
  const child = spawn(TSX, ['--conditions=@tessera/source', MAIN], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Resolves once `condition` holds, polling every 20 ms; rejects after `timeoutMs` (a start takes a minute on a busy machine). */
async function waitFor(condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the process');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the auth service process', () => {
  it('exits 1 in production without secrets, naming each missing variable', async () => {
    const main = startMain({ NODE_ENV: 'production', JWT_MODE: 'secret' });
    expect(await main.exited).toBe(1);
    const { stderr } = main.output();
    expect(stderr).toContain('Invalid configuration:');
    expect(stderr).toContain('  - BETTER_AUTH_SECRET: required in production');
    expect(stderr).toContain('  - JWT_SECRET: required when JWT_MODE=secret');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });

  it('finishes a request in flight on SIGTERM, then exits 0', async () => {
    const main = startMain({ NODE_ENV: 'development', AUTH_PORT: '0', AUTH_DATABASE_URL: 'memory://' });
    await waitFor(() => /"msg":"listening on /.test(main.output().stdout) || main.child.exitCode !== null);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(main.output().stdout)?.[1];
    if (url === undefined) throw new Error(`the service did not start: ${main.output().stderr}`);

    // A sign-up whose body arrives in two parts, with SIGTERM in between: the request is in flight.
    const body = JSON.stringify({ email: 'drain@example.test', password: 'password-123', name: 'Drain' });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      outgoing.on('response', (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.write(body.slice(0, 10));
      // Once the server has taken the first bytes, stop it; send the rest only after it says it is draining.
      setTimeout(() => {
        main.child.kill('SIGTERM');
        void waitFor(() => main.output().stdout.includes('shutting down')).then(
          () => outgoing.end(body.slice(10)),
          reject,
        );
      }, 200);
    });

    const answer = await response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ user: { email: 'drain@example.test' } });
    expect(await main.exited).toBe(0);
    expect(main.output().stdout).toMatch(/"inFlight":1,"msg":"shutting down/);
  }, 150_000);
});
