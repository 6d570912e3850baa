import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, repoRoot, resolveDataDir } from './paths.ts';

describe('repoRoot', () => {
  it('is the absolute path of the workspace root, whatever the cwd', () => {
    expect(isAbsolute(repoRoot)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      name: string;
      workspaces?: string[];
    };
    expect(manifest.name).toBe('tessera');
    expect(manifest.workspaces).toContain('packages/*');
    expect(existsSync(join(repoRoot, 'packages', 'config', 'src', 'paths.ts'))).toBe(true);
  });

  it('puts the default data dir at <repoRoot>/.data', () => {
    expect(defaultDataDir()).toBe(join(repoRoot, '.data'));
  });
});

describe('resolveDataDir', () => {
  it('takes a relative path from the repository root and keeps an absolute one', () => {
    expect(resolveDataDir('.data')).toBe(join(repoRoot, '.data'));
    expect(resolveDataDir(' var/data ')).toBe(join(repoRoot, 'var', 'data'));
    expect(resolveDataDir('/srv/tessera')).toBe('/srv/tessera');
  });

  it('defaults to <repoRoot>/.data when unset or blank', () => {
    expect(resolveDataDir(undefined)).toBe(defaultDataDir());
    expect(resolveDataDir('  ')).toBe(defaultDataDir());
  });
});
