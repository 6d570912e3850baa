// The published packages as a new user gets them: `npm pack` of each, installed from the tarball into a fresh
// project next to hono, express and fastify. Then plain `node` (no tsx) runs the README's servers against a real
// auth service, and `tsc` (strict, module NodeNext) checks a file that uses every export.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { nativeFetch, startTestAuthService, type TestAuthService } from '@tessera/auth/testing';
import { unusedPort } from '@tessera/server/testing';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('package-install/', import.meta.url));

/**
 * The published workspaces: each is packed, installed and its `examples/*.ts` compiled; `browser` ones are also
 * imported in Chromium from their built files.
 */
const packages: { workspace: string; name: string; browser?: boolean }[] = [
  { workspace: 'packages/guard', name: '@tessera/guard' },
  { workspace: 'packages/client', name: '@tessera/client', browser: true },
];

/** The fresh project's other dependencies, at the versions the repository's lockfile already holds. */
const lockfile = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};
const locked = (name: string) => {
  const version = lockfile.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`${name} is not in package-lock.json`);
  return version;
};
const peers = ['hono', '@hono/node-server', 'express', 'fastify', '@types/express', '@types/node'];

/** The servers of the guard's README, each compiled from examples/ and started with plain node. */
const servers = [
  { name: 'Hono', file: 'hono.js' },
  { name: 'Express', file: 'express.js' },
  { name: 'Fastify', file: 'fastify.js' },
  // Serves only GET /v1/me: a route handler is one route.
  { name: 'a Next.js-style route handler', file: 'serve-route.js', onlyMe: true },
];

/** Runs a command to completion; resolves with its exit code and output, never rejects on a failure exit. */
async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; output: string }> {
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      env,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

/** Runs a command that must succeed, and resolves with its standard output. */
async function succeed(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.output}`);
  return result.stdout;
}

/** A service token from the client-credentials grant (RFC 6749 §4.4). */
async function serviceToken(auth: TestAuthService, scope: string): Promise<string> {
  const client = await auth.createClient({ scopes: [scope] });
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
  ).toString('base64');
  const answer = await nativeFetch(`${auth.url}/api/auth/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  if (answer.status !== 200) throw new Error(`token endpoint answered ${answer.status}`);
  return ((await answer.json()) as { access_token: string }).access_token;
}

describe('the packed packages, installed into a fresh project', () => {
  let workdir: string;
  let project: string;
  const tarballs = new Map<string, { file: string; files: string[] }>();
  let authStarted: Promise<TestAuthService> | undefined;
  let auth: TestAuthService;
  /** The fresh project's `tsc` run, which also emits the JavaScript the servers run. */
  let compiled: { code: number; output: string };

  beforeAll(async () => {
    workdir = mkdtempSync(join(os.tmpdir(), 'tessera-package-install-'));
    project = join(workdir, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    authStarted = startTestAuthService();

    // npm pack runs each package's prepack (a clean build), then lists what the tarball holds.
    for (const { workspace, name } of packages) {
      const [packed] = JSON.parse(
        await succeed('npm', ['pack', '--json', '--pack-destination', workdir], join(root, workspace)),
      ) as [{ filename: string; files: { path: string }[] }];
      tarballs.set(name, { file: join(workdir, packed.filename), files: packed.files.map((entry) => entry.path) });
      const examples = join(root, workspace, 'examples');
      if (existsSync(examples)) cpSync(examples, join(project, 'src'), { recursive: true });
    }

    const dependencies = Object.fromEntries([
      ...[...tarballs].map(([name, { file }]) => [name, `file:${file}`]),
      ...peers.map((name) => [name, locked(name)]),
    ]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'fresh-project', private: true, type: 'module', dependencies }, null, 2),
    );
    for (const file of ['tsconfig.json', 'every-export.ts', 'serve-route.ts']) {
      cpSync(join(fixtures, file), join(project, file === 'tsconfig.json' ? file : join('src', file)));
    }
    await succeed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
    // The repository's TypeScript, run in the fresh project: it resolves types from that project's node_modules only.
    compiled = await run(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
    );
    auth = await authStarted;
  }, 300_000);

  afterAll(async () => {
    await (await authStarted?.catch(() => undefined))?.close();
    if (workdir !== undefined) rmSync(workdir, { recursive: true, force: true });
  });

  it('ships only what runs: built JavaScript, declarations, source maps, README, LICENSE', () => {
    for (const [name, { files }] of tarballs) {
      expect(files, name).toContain('package.json');
      expect(files, name).toContain('README.md');
      expect(files, name).toContain('LICENSE');
      expect(files, name).toContain('dist/index.js');
      expect(files, name).toContain('dist/index.d.ts');
      const unwanted = files.filter((path) => /\.test\.|(^|\/)test\/|tsconfig|(?<!\.d)\.ts$/.test(path));
      expect(unwanted, name).toEqual([]);
    }
  });

  it('type-checks every export and the README examples under strict and module NodeNext, libraries included', () => {
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('exports at run time exactly what every-export.ts names', async () => {
    const source = readFileSync(join(fixtures, 'every-export.ts'), 'utf8');
    const script = `for (const entry of ${JSON.stringify(entries())}) console.log(entry, Object.keys(await import(entry)).join(' '))`;
    const listed = (await succeed(process.execPath, ['--input-type=module', '-e', script], project)).trim().split('\n');
    for (const line of listed) {
      const [entry, ...names] = line.split(' ');
      for (const name of names) expect(source, `${entry} exports ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  describe.each(servers)('plain node runs the $name example', ({ file, onlyMe }) => {
    let server: ChildProcess;
    let url: string;
    let output = '';

    beforeAll(async () => {
      const port = await unusedPort();
      url = `http://127.0.0.1:${port}`;
      server = spawn(process.execPath, [join('dist', file)], {
        cwd: project,
        env: { PATH: process.env.PATH, AUTH_URL: auth.url, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (server.exitCode !== null || Date.now() > deadline) throw new Error(`${file} did not start:\n${output}`);
        const answered = await fetch(`${url}/v1/me`).then(
          () => true,
          () => false,
        );
        if (answered) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 40_000);

    afterAll(() => {
      server?.kill('SIGTERM');
    });

    it('admits a user token from the auth service with its principal', async () => {
      const user = await auth.signUp();
      const response = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${user.jwt}` } });
      expect(response.status, output).toBe(200);
      expect(await response.json()).toEqual({ subject: user.userId, kind: 'user' });
    });

    it('refuses a missing token with the RFC 6750 challenge and problem+json', async () => {
      const response = await fetch(`${url}/v1/me`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401, code: 'token_missing' });
    });

    it('refuses a token whose signature was altered', async () => {
      const { jwt } = await auth.signUp();
      const altered = `${jwt.slice(0, -6)}${jwt.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
      const response = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${altered}` } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'invalid_token', reason: 'signature_invalid' });
    });

    if (!onlyMe)
      it('admits a service token with the scope and refuses a user token without it', async () => {
        const service = await serviceToken(auth, 'reports:read');
        const admitted = await fetch(`${url}/v1/reports`, { headers: { authorization: `Bearer ${service}` } });
        expect(admitted.status).toBe(200);
        const user = await auth.signUp();
        const refused = await fetch(`${url}/v1/reports`, { headers: { authorization: `Bearer ${user.jwt}` } });
        expect(refused.status).toBe(403);
        expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      });
  });

  for (const { name } of packages.filter((published) => published.browser)) {
    it(`imports ${name} in Chromium from its built files`, async () => {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
        exports: Record<string, Record<string, string>>;
      };
      const entry = manifest.exports['.']?.['browser'] ?? manifest.exports['.']?.['import'];
      expect(entry).toMatch(/^\.\/dist\/.+\.js$/);
      const importMap = { imports: { [name]: `/node_modules/${name}/${entry!.slice(2)}` } };
      const page = `<!doctype html><script type="importmap">${JSON.stringify(importMap)}</script>`;
      // The fresh project over HTTP, as a bundler-free page would load it: the page, then the package's own files.
      const files = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        try {
          const body = readFileSync(join(project, path));
          res
            .writeHead(200, {
              'content-type': extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream',
            })
            .end(body);
        } catch {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
      const browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu'],
      });
      try {
        const tab = await browser.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(`http://127.0.0.1:${(files.address() as AddressInfo).port}/`);
        // A string, not a function: vitest would rewrite a function's import() before Chromium saw it.
        const exported = (await tab.evaluate(
          `import(${JSON.stringify(name)}).then((module) => Object.keys(module).sort())`,
        )) as string[];
        const inNode = (
          await succeed(
            process.execPath,
            ['--input-type=module', '-e', `console.log(Object.keys(await import('${name}')).sort().join(' '))`],
            project,
          )
        ).trim();
        expect(exported.join(' ')).toBe(inNode);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
        files.close();
      }
    });
  }

  /** Every entry point the installed packages export, by package name. */
  function entries(): string[] {
    return [...tarballs.keys()].flatMap((name) => {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
      };
      return Object.entries(manifest.exports)
        .filter(
          ([subpath, target]) =>
            subpath !== './package.json' && typeof target === 'object' && target !== null && 'import' in target,
        )
        .map(([subpath]) => (subpath === '.' ? name : `${name}${subpath.slice(1)}`));
    });
  }
});
