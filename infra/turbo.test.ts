// A cached `turbo run typecheck` must not pass on stale inputs: every file a workspace's type-check reads is
// part of its task hash, and so is the shared compiler configuration.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

type DryRun = {
  globalCacheInputs: { files: Record<string, string> };
  tasks: { taskId: string; directory: string; inputs: Record<string, string> }[];
};

function dryRun(): DryRun {
  const output = execFileSync('npx', ['turbo', 'run', 'typecheck', '--dry=json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  return JSON.parse(output.slice(output.indexOf('{'))) as DryRun;
}

/** The files git tracks under a workspace that tsc may read: sources, configs, package.json. */
function typecheckedFiles(directory: string): string[] {
  return execFileSync('git', ['ls-files', '--', directory], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(ts|tsx|mts|cts|json)$/.test(file))
    .map((file) => file.slice(directory.length + 1));
}

describe('turbo typecheck cache', () => {
  const run = dryRun();

  it('hashes the shared tsconfig.base.json into every task', () => {
    expect(Object.keys(run.globalCacheInputs.files)).toContain('tsconfig.base.json');
  });

  it('hashes every TypeScript and JSON file of every workspace', () => {
    expect(run.tasks.length).toBeGreaterThan(3);
    for (const task of run.tasks) {
      const missing = typecheckedFiles(task.directory).filter((file) => !(file in task.inputs));
      expect(missing, task.taskId).toEqual([]);
    }
  });
});
