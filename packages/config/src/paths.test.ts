import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, repoRoot } from './paths.ts';

describe('repoRoot', () => {
  it('is the absolute path of the workspace root, whatever the cwd', () => {
    expect(isAbsolute(repoRoot)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; workspaces?: string[] };
    expect(manifest.name).toBe('tessera');
    expect(manifest.workspaces).toContain('packages/*');
    expect(existsSync(join(repoRoot, 'packages', 'config', 'src', 'paths.ts'))).toBe(true);
  });

  it('puts the default data dir at <repoRoot>/.data', () => {
    expect(defaultDataDir()).toBe(join(repoRoot, '.data'));
  });
});
