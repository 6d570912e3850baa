import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { resolveDevSecret, storedDevSecret } from './dev-secrets.ts';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-secrets-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('resolveDevSecret', () => {
  it('returns the configured value untouched and writes nothing', () => {
    const result = resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: 'configured', dataDir, production: true });
    expect(result).toEqual({ value: 'configured', generated: false });
    expect(() => statSync(join(dataDir, 'secrets.json'))).toThrow();
  });

  it('refuses a missing secret in production, naming the variable', () => {
    try {
      resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: '', dataDir, production: true });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('config_invalid');
      expect((error as ConfigError).problems[0]?.variable).toBe('BETTER_AUTH_SECRET');
    }
  });

  it('generates a 32-byte base64url secret once, stored with mode 0600', () => {
    const first = resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: undefined, dataDir, production: false });
    expect(first.generated).toBe(true);
    expect(first.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.value, 'base64url')).toHaveLength(32);

    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ BETTER_AUTH_SECRET: first.value });

    const again = resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: undefined, dataDir, production: false });
    expect(again).toEqual(first);
  });

  it('keeps one secret per variable in the same file', () => {
    const auth = resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: undefined, dataDir, production: false });
    const jwt = resolveDevSecret({ variable: 'JWT_SECRET', value: undefined, dataDir, production: false });
    expect(jwt.value).not.toBe(auth.value);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({
      BETTER_AUTH_SECRET: auth.value,
      JWT_SECRET: jwt.value,
    });
  });

  it('creates a missing data dir', () => {
    const nested = join(dataDir, 'a', 'b');
    expect(
      resolveDevSecret({ variable: 'X_SECRET', value: undefined, dataDir: nested, production: false }).generated,
    ).toBe(true);
    expect(statSync(join(nested, 'secrets.json')).isFile()).toBe(true);
  });

  it('reads secrets written by hand and tightens a loose file mode to 0600', () => {
    const file = join(dataDir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ BETTER_AUTH_SECRET: 'from-the-file' }), { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(resolveDevSecret({ variable: 'BETTER_AUTH_SECRET', value: undefined, dataDir, production: false })).toEqual({
      value: 'from-the-file',
      generated: true,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite a corrupt secrets file', () => {
    writeFileSync(join(dataDir, 'secrets.json'), '{ not json');
    expect(() => resolveDevSecret({ variable: 'X_SECRET', value: undefined, dataDir, production: false })).toThrow(
      ConfigError,
    );
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toBe('{ not json');
  });

  it('takes over a lock left behind by a crashed process', () => {
    const lock = join(dataDir, 'secrets.json.lock');
    writeFileSync(lock, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, longAgo, longAgo);
    expect(resolveDevSecret({ variable: 'X_SECRET', value: undefined, dataDir, production: false }).generated).toBe(
      true,
    );
    expect(existsSync(lock)).toBe(false);
  });

  it('gives up on a fresh lock held too long with a ConfigError naming it', () => {
    writeFileSync(join(dataDir, 'secrets.json.lock'), '');
    expect(() => resolveDevSecret({ variable: 'X_SECRET', value: undefined, dataDir, production: false })).toThrow(
      ConfigError,
    );
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  }, 15_000);

  it('gives processes that start together the same secret', async () => {
    const script = [
      'const { resolveDevSecret } = await import(process.env.MODULE_URL);',
      "const { value } = resolveDevSecret({ variable: 'SHARED_SECRET', value: undefined, dataDir: process.env.DATA_DIR, production: false });",
      'process.stdout.write(value);',
    ].join('\n');
    const moduleUrl = new URL('./dev-secrets.ts', import.meta.url).href;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, MODULE_URL: moduleUrl, DATA_DIR: dataDir },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`child exited with ${code}`))));
      });
    const values = await Promise.all([run(), run(), run()]);
    expect(new Set(values).size).toBe(1);
    expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))).toEqual({ SHARED_SECRET: values[0] });
  });
});

describe('storedDevSecret', () => {
  it('reads a stored secret and never writes one', () => {
    expect(storedDevSecret({ variable: 'BETTER_AUTH_SECRET', dataDir })).toBeUndefined();
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
    const { value } = resolveDevSecret({
      variable: 'BETTER_AUTH_SECRET',
      value: undefined,
      dataDir,
      production: false,
    });
    expect(storedDevSecret({ variable: 'BETTER_AUTH_SECRET', dataDir })).toBe(value);
  });

  it('treats a corrupt file as no secret, leaving it for its owner to report', () => {
    writeFileSync(join(dataDir, 'secrets.json'), '{ not json');
    expect(storedDevSecret({ variable: 'BETTER_AUTH_SECRET', dataDir })).toBeUndefined();
  });
});
