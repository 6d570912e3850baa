import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from './entry-point.ts';
import { repoRoot } from './paths.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-entry-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete process.env.TESSERA_TEST_FROM_FILE;
  delete process.env.TESSERA_TEST_FROM_ENV;
});

describe('loadDotEnv', () => {
  it('reads the file, but a variable already in the environment wins', () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'TESSERA_TEST_FROM_FILE=file\nTESSERA_TEST_FROM_ENV=file\n');
    process.env.TESSERA_TEST_FROM_ENV = 'environment';
    expect(loadDotEnv(file)).toBe(true);
    expect(process.env.TESSERA_TEST_FROM_FILE).toBe('file');
    expect(process.env.TESSERA_TEST_FROM_ENV).toBe('environment');
  });

  it('does nothing without a file', () => {
    expect(loadDotEnv(join(dir, 'missing.env'))).toBe(false);
  });
});

describe('runEntryPoint', () => {
  const entryPoint = fileURLToPath(new URL('./entry-point.ts', import.meta.url));
  const operatorError = fileURLToPath(new URL('./operator-error.ts', import.meta.url));

  function run(body: string) {
    const script = join(dir, 'main.ts');
    writeFileSync(
      script,
      `import { runEntryPoint } from ${JSON.stringify(entryPoint)};\n` +
        `import { OperatorError } from ${JSON.stringify(operatorError)};\n` +
        `runEntryPoint(async () => { ${body} });\n`,
    );
    return spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: repoRoot });
  }

  it("prints an operator error's message alone and exits 1", () => {
    const result = run(
      `throw new OperatorError('config_invalid', 'Invalid configuration:\\n  - JWT_SECRET: too short');`,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_SECRET: too short');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints any other error with its stack and exits 1', () => {
    const result = run(`throw new TypeError('a bug');`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TypeError: a bug');
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('exits with the code main returns', () => {
    expect(run('return 3;').status).toBe(3);
    expect(run('return;').status).toBe(0);
  });
});
