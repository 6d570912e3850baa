import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { repoRoot } from '@tessera/config';
import { openDatabase } from '@tessera/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/clients/cli.ts', import.meta.url));
const TSX = join(repoRoot, 'node_modules', '.bin', 'tsx');

type CliResult = { code: number; stdout: string; stderr: string };

// Each run starts a tsx process that loads the service's modules: seconds each on a busy machine.
describe('npm run clients (the CLI as a process, on embedded PGlite under DATA_DIR)', { timeout: 90_000 }, () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-clients-cli-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
    // Only what the CLI needs: no AUTH_DATABASE_URL, so it uses the PGlite under DATA_DIR like a fresh checkout.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      ...extraEnv,
    };
    return new Promise((resolve) => {
      execFile(
        TSX,
        ['--conditions=@tessera/source', CLI, ...args],
        { cwd: repoRoot, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
        },
      );
    });
  }

  /** Reads the rows the CLI wrote, with the CLI's process gone (PGlite allows one process at a time). */
  async function storedClients(): Promise<Record<string, unknown>[]> {
    const db = new PGlite(join(dataDir, 'auth'));
    try {
      return (await db.query<Record<string, unknown>>('select * from oauth_client order by created_at')).rows;
    } finally {
      await db.close();
    }
  }

  it('refuses bad usage with exit code 2 and the usage text, before touching the database', async () => {
    const result = await cli(['create', 'worker']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: create needs --scopes');
    expect(result.stderr).toContain('Usage: npm run clients');
    expect(result.stdout).toBe('');
    expect(existsSync(join(dataDir, 'auth'))).toBe(false);
  });

  let clientId: string;
  let clientSecret: string;

  it('creates a client, running migrations first, and prints its secret once', async () => {
    const result = await cli(['create', 'billing-worker', '--scopes', 'tasks:read,tasks:write']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created client "billing-worker"');
    expect(result.stdout).toContain('will not be shown again');
    clientId = /client_id: +(\S+)/.exec(result.stdout)?.[1] ?? '';
    clientSecret = /client_secret: +(\S+)/.exec(result.stdout)?.[1] ?? '';
    expect(clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stored the secret hashed (SHA-256), never in clear', async () => {
    const [row, ...others] = await storedClients();
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({
      client_id: clientId,
      name: 'billing-worker',
      scopes: ['tasks:read', 'tasks:write'],
      audiences: null,
      revoked_at: null,
    });
    expect(row?.secret_hash).toBe(createHash('sha256').update(clientSecret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(clientSecret);
  });

  it('lists the client without its secret', async () => {
    const result = await cli(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${clientId} +billing-worker +tasks:read tasks:write .* active`));
    expect(result.stdout).not.toContain(clientSecret);
  });

  it('revokes the client, and exits 1 for an unknown one', async () => {
    const revoked = await cli(['revoke', clientId]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked client ${clientId}`);
    expect((await storedClients())[0]?.revoked_at).toBeInstanceOf(Date);

    const unknown = await cli(['revoke', 'no-such-client']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no client with client_id "no-such-client"');
  });

  it('reports a configuration problem without a stack trace', async () => {
    const result = await cli(['list'], { AUTH_DATABASE_URL: 'mysql://nope' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AUTH_DATABASE_URL');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes the client, secret included, to --out with mode 0600', async () => {
    const out = join(dataDir, 'client.json');
    const result = await cli(['create', 'reporting', '--scopes', 'tasks:read', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Created client "reporting" \(client_id \S+\); its secret is in .*client\.json \(mode 0600\)\.\n$/,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(out, 'utf8')) as {
      client_id: string;
      client_secret: string;
      scopes: string[];
    };
    expect(written.client_secret).toMatch(/^\S{40,}$/);
    expect(written.scopes).toEqual(['tasks:read']);
    expect(result.stdout).not.toContain(written.client_secret);
  });

  it('fails before writing anything when the embedded database is in use', async () => {
    const out = join(dataDir, 'while-running.json');
    const running = await openDatabase({ dataDir, name: 'auth', schema: {} });
    try {
      const result = await cli(['create', 'reporting', '--scopes', 'tasks:read', '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/in use/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await running.close();
    }
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out it cannot write before creating the client', async () => {
    const before = (await storedClients()).length;
    const result = await cli([
      'create',
      'lost',
      '--scopes',
      'tasks:read',
      '--out',
      join(dataDir, 'no-such-folder', 'client.json'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cannot write .*client\.json/);
    expect((await storedClients()).length).toBe(before);
  });
});
