// No Docker engine runs here, so this replays the image's recipe without one: the deps stage's `npm ci` in an empty
// folder holding only what that stage copies, then the runtime stage's files and command. The image must carry the
// service's runtime dependencies alone, and start on them.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unusedPort } from '@tessera/server/testing';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = execFileSync('cat', [join(root, 'infra/docker/Dockerfile')], { encoding: 'utf8' });

/** The sources of `COPY <src…> <dest>` lines in one stage of the Dockerfile (not `COPY --from`). */
function copiedPaths(stage: string): string[] {
  const text = dockerfile.split(/^FROM /m).find((block) => block.includes(` AS ${stage}`)) ?? '';
  return [...text.matchAll(/^COPY (?!--)(.+)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/).slice(0, -1));
}

/** The deps stage's install command, with the build argument filled in. */
function installCommand(service: string): string[] {
  const line = /^RUN (npm ci .+)$/m.exec(dockerfile)?.[1];
  if (line === undefined) throw new Error('the Dockerfile has no `RUN npm ci` line');
  return line.replaceAll('${SERVICE}', service).split(/\s+/);
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe.each(['auth', 'tasks'])('the %s image', (service) => {
  const app = mkdtempSync(join(os.tmpdir(), `tessera-image-${service}-`));
  folders.push(app);

  it('installs the runtime dependencies only', { timeout: 240_000 }, () => {
    for (const path of copiedPaths('deps')) {
      mkdirSync(dirname(join(app, path)), { recursive: true });
      cpSync(join(root, path), join(app, path));
    }
    const [command, ...args] = installCommand(service);
    execFileSync(command!, args, { cwd: app, stdio: 'pipe', env: { ...process.env, npm_config_loglevel: 'error' } });
    for (const tool of [
      'vitest',
      'turbo',
      'playwright-core',
      'typescript',
      'drizzle-kit',
      'autocannon',
      'vite',
      'react',
    ]) {
      expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(true);
  });

  it('starts from those dependencies and answers /healthz', { timeout: 120_000 }, async () => {
    for (const path of copiedPaths('runtime')) {
      const source = path.replaceAll('${SERVICE}', service);
      cpSync(join(root, source), join(app, source), {
        recursive: true,
        filter: (file) => !file.includes('node_modules'),
      });
    }
    const port = await unusedPort();
    const variable = `${service.toUpperCase()}_PORT`;
    const child = spawn(
      'node',
      ['--conditions=@tessera/source', '--import', 'tsx', `services/${service}/src/main.ts`],
      {
        cwd: app,
        env: {
          PATH: process.env['PATH'],
          NODE_ENV: 'production',
          [variable]: String(port),
          DATA_DIR: join(app, '.data'),
          BETTER_AUTH_SECRET: 'an image test secret of more than 32 characters',
          BETTER_AUTH_TELEMETRY: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const deadline = Date.now() + 100_000;
      let status = 0;
      while (Date.now() < deadline && child.exitCode === null) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status, stderr).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    }
  });
});
