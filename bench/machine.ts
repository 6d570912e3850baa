/** What a benchmark report says about where it ran: the machine, and the code it measured. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const decimals = (value: number, digits = 2) => value.toFixed(digits);

/** The machine's CPU time so far, all cores together, in clock ticks: how much of it was stolen, of how much. */
export type CpuTimes = { steal: number; total: number };

/**
 * The machine's CPU time from the first line of `/proc/stat` (Linux), or `undefined` elsewhere. Steal is the time
 * a virtual machine's vCPUs were ready to run while the host ran something else: work done here then takes longer,
 * and a process's own CPU time can grow too (caches shared with the neighbours).
 */
export function cpuTimes(): CpuTimes | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    if (fields[0] !== 'cpu') return undefined;
    // user nice system idle iowait irq softirq steal [guest guest_nice, already counted in user and nice]
    const ticks = fields.slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((value) => !Number.isFinite(value))) return undefined;
    return { steal: ticks[7]!, total: ticks.reduce((sum, value) => sum + value, 0) };
  } catch {
    return undefined;
  }
}

/** The CPU time between two readings, or `undefined` when either is missing. */
export function cpuTimesBetween(before: CpuTimes | undefined, after: CpuTimes | undefined): CpuTimes | undefined {
  return before === undefined || after === undefined
    ? undefined
    : { steal: after.steal - before.steal, total: after.total - before.total };
}

/** Steal as a percentage of the CPU time, `n/a` when it could not be read. */
export function stealText(times: CpuTimes | undefined): string {
  return times === undefined || times.total <= 0 ? 'n/a' : `${decimals((times.steal / times.total) * 100, 1)}%`;
}

/** A task page as the tasks service answers it, for {@link referenceWorkMs}. */
const referencePage = {
  items: Array.from({ length: 20 }, (_, index) => ({
    id: `0193a0b2-7c4e-7000-8000-${String(index).padStart(12, '0')}`,
    userId: 'Xy3kQ9vLmN2pR7sT5wZ8aB4cD6eF1gH0',
    title: `Bench task ${String(index + 1).padStart(2, '0')}`,
    description: 'Seeded by bench/http.ts',
    status: index % 3 === 0 ? 'done' : 'todo',
    dueAt: null,
    createdAt: '2026-11-22T06:00:00.123456Z',
    updatedAt: '2026-11-22T06:00:00.123456Z',
  })),
  nextCursor: 'eyJjIjoiMjAyNi0xMS0yMlQwNjowMDowMC4xMjM0NTZaIiwiaSI6IjAxOTNhMGIyIn0',
};

/**
 * A fixed piece of single-threaded JavaScript, the kind the services do per request: 2,000 JSON round trips of a
 * 20-task page. The median of 5 timings, in ms, after one warm-up. The same code on the same Node takes the same
 * work everywhere, so it compares machines, and one machine at two moments.
 */
export function referenceWorkMs(): number {
  let sink = 0;
  const once = () => {
    const startedAt = performance.now();
    for (let index = 0; index < 2_000; index += 1)
      sink += (JSON.parse(JSON.stringify(referencePage)) as typeof referencePage).items.length;
    return performance.now() - startedAt;
  };
  once();
  const times = Array.from({ length: 5 }, once).sort((a, b) => a - b);
  if (sink === 0) throw new Error('unreachable: keeps the work from being optimized away');
  return times[2]!;
}

/** What the machine was like around a benchmark run. */
export type MachineWindow = {
  loadBefore: readonly number[];
  loadAfter: readonly number[];
  referenceMsBefore: number;
  referenceMsAfter: number;
  /** The machine's CPU time over the run, for its steal; `undefined` without `/proc/stat`. */
  cpu: CpuTimes | undefined;
};

/** Starts watching the machine (load, reference work, CPU time); the function returned ends the window. */
export function watchMachine(): () => MachineWindow {
  const loadBefore = os.loadavg();
  const referenceMsBefore = referenceWorkMs();
  const cpuBefore = cpuTimes();
  return () => {
    const cpu = cpuTimesBetween(cpuBefore, cpuTimes());
    return { loadBefore, loadAfter: os.loadavg(), referenceMsBefore, referenceMsAfter: referenceWorkMs(), cpu };
  };
}

/** The report's "Machine" lines: CPU, memory, Node, OS, and what the machine was like around the run. */
export function machineLines(window: MachineWindow): string {
  const cpus = os.cpus();
  const load = (values: readonly number[]) => values.map((value) => decimals(value)).join(' / ');
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} logical cores`,
    `- Memory: ${decimals(os.totalmem() / 2 ** 30, 1)} GiB`,
    `- Node ${process.version} (V8 ${process.versions.v8}, OpenSSL ${process.versions.openssl})`,
    `- OS: ${os.type()} ${os.release()} ${os.arch()}`,
    `- Load average (1/5/15 min) before: ${load(window.loadBefore)}, after: ${load(window.loadAfter)}`,
    `- Reference work (\`referenceWorkMs\` in \`bench/machine.ts\`: 2,000 JSON round trips of a 20-task page; lower is faster): ${decimals(window.referenceMsBefore, 1)} ms before, ${decimals(window.referenceMsAfter, 1)} ms after`,
    `- CPU steal during the run (the host running other guests on these cores; from \`/proc/stat\`): ${stealText(window.cpu)}`,
  ].join('\n');
}

/**
 * The commit the benchmark measured, as `abc1234`, with a warning when the working tree had uncommitted changes
 * outside `bench/results/` (figures from code nobody can check out again); `unknown` outside a git checkout.
 */
export function codeRevision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--', ':(top)', ':(top,exclude)bench/results');
    return changed === '' ? `\`${commit}\`` : `\`${commit}\` with uncommitted changes`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
