/** What a benchmark report says about where it ran: the machine, and the code it measured. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

const decimals = (value: number, digits = 2) => value.toFixed(digits);

/** The report's "Machine" lines: CPU, memory, Node, OS, load average around the run. */
export function machineLines(loadBefore: readonly number[], loadAfter: readonly number[]): string {
  const cpus = os.cpus();
  const load = (values: readonly number[]) => values.map((value) => decimals(value)).join(' / ');
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} logical cores`,
    `- Memory: ${decimals(os.totalmem() / 2 ** 30, 1)} GiB`,
    `- Node ${process.version} (V8 ${process.versions.v8}, OpenSSL ${process.versions.openssl})`,
    `- OS: ${os.type()} ${os.release()} ${os.arch()}`,
    `- Load average (1/5/15 min) before: ${load(loadBefore)}, after: ${load(loadAfter)}`,
  ].join('\n');
}

/**
 * The commit the benchmark measured, as `abc1234`, with a warning when the working tree had uncommitted changes
 * outside `bench/results/` (figures from code nobody can check out again); `unknown` outside a git checkout.
 */
export function codeRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--', ':(top)', ':(top,exclude)bench/results');
    return changed === '' ? `\`${commit}\`` : `\`${commit}\` with uncommitted changes`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
