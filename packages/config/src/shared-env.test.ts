import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { repoRoot } from './paths.ts';
import { portSchema } from './schemas.ts';
import { isProduction, loadDatabaseLocation, loadServiceEnv } from './shared-env.ts';

const secret = 'shared-env-test-secret-0123456789-abcdef';
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-shared-env-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const own = { TASKS_PORT: portSchema().default(3001) };

function problemsOf(env: Record<string, string>): ConfigError['problems'] {
  try {
    loadServiceEnv(own, { DATA_DIR: dataDir, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadServiceEnv', () => {
  it('applies the shared defaults next to the service’s own variables', () => {
    const { shared, env } = loadServiceEnv(own, { DATA_DIR: dataDir });
    expect(env.TASKS_PORT).toBe(3001);
    expect(shared).toEqual({
      nodeEnv: 'development',
      production: false,
      logLevel: 'info',
      host: '0.0.0.0',
      authPort: 3000,
      authUrl: 'http://localhost:3000',
      issuer: 'http://localhost:3000',
      audience: ['tessera'],
      jwt: { mode: 'jwks' },
      trustedOrigins: ['http://localhost:5173'],
      dataDir,
    });
  });

  it('takes HOST as the bind address, and refuses one that is not an address', () => {
    expect(loadServiceEnv(own, { HOST: ' 127.0.0.1 ' }).shared.host).toBe('127.0.0.1');
    expect(() => loadServiceEnv(own, { HOST: 'http://x/' })).toThrow(/HOST/);
  });

  it('derives AUTH_URL from AUTH_PORT, and the issuer from AUTH_URL', () => {
    const { shared } = loadServiceEnv(own, { AUTH_PORT: '3010' });
    expect(shared.authUrl).toBe('http://localhost:3010');
    expect(shared.issuer).toBe('http://localhost:3010');
    expect(loadServiceEnv(own, { AUTH_PORT: '3010', AUTH_URL: 'https://auth.example/' }).shared.authUrl).toBe(
      'https://auth.example',
    );
    expect(loadServiceEnv(own, { AUTH_ISSUER: 'https://issuer.example' }).shared.issuer).toBe('https://issuer.example');
  });

  it('reads JWT_AUDIENCE as a list', () => {
    expect(loadServiceEnv(own, { JWT_AUDIENCE: 'tessera, reports' }).shared.audience).toEqual(['tessera', 'reports']);
    expect(problemsOf({ JWT_AUDIENCE: ' , ' })).toEqual([
      { variable: 'JWT_AUDIENCE', message: 'must name at least one audience' },
    ]);
  });

  it('normalises TRUSTED_ORIGINS to what browsers send, and refuses what is not an origin', () => {
    const { shared } = loadServiceEnv(own, { TRUSTED_ORIGINS: 'http://localhost:5173/, HTTPS://App.Example:443' });
    expect(shared.trustedOrigins).toEqual(['http://localhost:5173', 'https://app.example']);
    expect(problemsOf({ TRUSTED_ORIGINS: 'https://app.example/path' })).toEqual([
      {
        variable: 'TRUSTED_ORIGINS',
        message: '"https://app.example/path" is not an origin like https://app.example.com',
      },
    ]);
  });

  it('refuses an issuer that is not a URL', () => {
    expect(problemsOf({ AUTH_ISSUER: 'tessera issuer' }).map((problem) => problem.variable)).toEqual(['AUTH_ISSUER']);
  });

  it('uses JWT_SECRET in secret mode and requires it there, next to every other problem', () => {
    expect(loadServiceEnv(own, { JWT_MODE: 'secret', JWT_SECRET: secret }).shared.jwt).toEqual({
      mode: 'secret',
      secret,
    });
    const problems = problemsOf({ JWT_MODE: 'secret', TASKS_PORT: 'x' });
    expect(problems).toContainEqual({ variable: 'JWT_SECRET', message: 'required when JWT_MODE=secret' });
    expect(problems.map((problem) => problem.variable).sort()).toEqual(['JWT_SECRET', 'TASKS_PORT']);
  });

  it('refuses a JWT_SECRET equal to BETTER_AUTH_SECRET', () => {
    expect(problemsOf({ JWT_MODE: 'secret', JWT_SECRET: secret, BETTER_AUTH_SECRET: secret })).toEqual([
      { variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' },
    ]);
  });

  it('refuses a JWT_SECRET equal to the development BETTER_AUTH_SECRET stored under DATA_DIR', () => {
    writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify({ BETTER_AUTH_SECRET: secret }), { mode: 0o600 });
    expect(problemsOf({ JWT_MODE: 'secret', JWT_SECRET: secret })).toEqual([
      { variable: 'JWT_SECRET', message: 'must differ from BETTER_AUTH_SECRET' },
    ]);
    expect(
      loadServiceEnv(own, { DATA_DIR: dataDir, JWT_MODE: 'secret', JWT_SECRET: `${secret}-other` }).shared.jwt.mode,
    ).toBe('secret');
  });
});

describe('DATA_DIR', () => {
  it('takes a relative DATA_DIR from the repository root, whatever the working directory', () => {
    // Another process, started in services/auth, as `npm start -w services/auth` does.
    const script = [
      'const config = await import(process.env.CONFIG_URL);',
      "const { shared } = config.loadServiceEnv({}, { DATA_DIR: '.data-from-elsewhere' });",
      "const location = config.loadDatabaseLocation('auth', { DATA_DIR: '.data-from-elsewhere' });",
      'process.stdout.write(JSON.stringify({ cwd: process.cwd(), shared: shared.dataDir, location: location.dataDir }));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(repoRoot, 'services', 'auth'),
      env: { ...process.env, CONFIG_URL: new URL('./index.ts', import.meta.url).href },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const answer = JSON.parse(result.stdout) as { cwd: string; shared: string; location: string };
    expect(answer.cwd).toBe(join(repoRoot, 'services', 'auth'));
    expect(answer.shared).toBe(join(repoRoot, '.data-from-elsewhere'));
    expect(answer.location).toBe(join(repoRoot, '.data-from-elsewhere'));
  });

  it('keeps an absolute DATA_DIR as it is', () => {
    expect(loadServiceEnv(own, { DATA_DIR: dataDir }).shared.dataDir).toBe(dataDir);
  });
});

describe('loadDatabaseLocation', () => {
  it("reads the service's own database URL, and nothing else it does not need", () => {
    expect(
      loadDatabaseLocation('tasks', {
        TASKS_DATABASE_URL: 'postgres://db/tasks',
        AUTH_DATABASE_URL: 'x',
        JWT_MODE: 'secret',
      }),
    ).toMatchObject({
      url: 'postgres://db/tasks',
    });
    expect(loadDatabaseLocation('tasks', { DATA_DIR: dataDir })).toEqual({ url: undefined, dataDir });
  });

  it('refuses a URL that is not a database URL, naming the variable and not echoing it', () => {
    try {
      loadDatabaseLocation('tasks', { TASKS_DATABASE_URL: 'mysql://user:hunter2@db/tasks' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.variable)).toEqual(['TASKS_DATABASE_URL']);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('isProduction', () => {
  it.each([
    [undefined, false],
    ['development', false],
    ['test', false],
    ['production', true],
    ['prod', true],
  ])('NODE_ENV=%s is production: %s', (value, production) => {
    expect(isProduction({ NODE_ENV: value })).toBe(production);
  });
});
