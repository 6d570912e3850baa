// Starting and stopping as a person does: `npm start` (scripts/start.mjs) and each service's entry point, as real
// processes on free ports and a temporary DATA_DIR.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unusedPort } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether something accepts TCP connections on this loopback port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 200_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('links every service and its docs, and leaves nothing running when it is killed with SIGKILL', async () => {
    const [authPort, tasksPort, spaPort] = [await unusedPort(), await unusedPort(), await unusedPort()];
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      AUTH_PORT: String(authPort),
      TASKS_PORT: String(tasksPort),
      SPA_PORT: String(spaPort),
    };
    const stack = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let children: number[] = [];
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await until(() => output.includes('Tessera is running') || stack.exitCode !== null, 'the banner');
      expect(output).toContain(`auth   http://localhost:${authPort}   docs http://localhost:${authPort}/docs`);
      expect(output).toContain(`tasks  http://localhost:${tasksPort}   docs http://localhost:${tasksPort}/docs`);
      expect(output).toMatch(
        new RegExp(`auth service listening on 0\\.0\\.0\\.0:${authPort} \\(every IPv4 interface\\)`),
      );

      children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(stack.pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .map((line) => Number(line.trim()))
        .filter((pid) => pid > 0);
      expect(children).toHaveLength(3);

      stack.kill('SIGKILL');
      await until(
        async () => !(await accepting(authPort)) && !(await accepting(tasksPort)) && !(await accepting(spaPort)),
        'every port to close',
      );
      await until(() => children.every((pid) => !alive(pid)), 'the services and the app to exit');
    } finally {
      if (stack.exitCode === null) stack.kill('SIGKILL');
      for (const pid of children.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 300_000);
});

describe.each([
  { service: 'auth', variable: 'AUTH_PORT' },
  { service: 'tasks', variable: 'TASKS_PORT' },
])('$service on a port already in use', ({ service, variable }) => {
  let holder: Server;
  let port: number;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-port-'));
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`prints one line naming the port and ${variable}, and exits 1 without a stack trace`, () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      [variable]: String(port),
    };
    const run = spawnSync(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `cannot listen on 127.0.0.1:${port}: the port is already in use. Stop what holds it, or set ${variable} to another port.\n`,
    );
  }, 200_000);
});
