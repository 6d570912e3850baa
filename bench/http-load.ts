/**
 * One autocannon run against one URL, and the summary of several. autocannon's own histogram has no p95,
 * so every response time is recorded here and the percentiles are computed exactly over all of them.
 */
import autocannon from 'autocannon';
import type { CpuTimes } from './machine.ts';

export type LoadOptions = {
  url: string;
  headers: Record<string, string>;
  /** Concurrent keep-alive connections. */
  connections: number;
  durationSeconds: number;
};

/** What one run measured. */
export type LoadRun = {
  /** Responses received (any status). */
  responses: number;
  /** Wall-clock seconds the run lasted, as autocannon reports it. */
  seconds: number;
  /** Every response time, in milliseconds. */
  latenciesMs: Float64Array;
  /** Socket errors and timeouts. */
  errors: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
};

/** Runs autocannon for a fixed duration (pipelining 1, the default). */
export function runLoad({ url, headers, connections, durationSeconds }: LoadOptions): Promise<LoadRun> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, headers, connections, duration: durationSeconds }, (error: unknown, result) => {
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      resolve({
        responses: result.requests.total,
        seconds: result.duration,
        latenciesMs: latencies.subarray(0, count),
        errors: result.errors,
        non2xx: result.non2xx,
      });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
    });
  });
}

/** CPU time (user + system) the servers' processes used during a run, in microseconds. */
export type ServerCpu = { tasks: number; auth: number };

/** A measured run with the servers' CPU time over it, and the machine's (for its steal). */
export type MeasuredRun = LoadRun & { cpu: ServerCpu; machine: CpuTimes | undefined };

/** One contender's figures over all of its measured runs. */
export type LoadSummary = {
  /** All responses over all measured seconds. */
  requestsPerSecond: number;
  /** Each run's responses per second, for the spread. */
  perRun: number[];
  /** Each run's own p99 in ms, for the spread: a run in a slow spell of the machine weighs on the pooled p99. */
  p99PerRun: number[];
  p50: number;
  p95: number;
  p99: number;
  responses: number;
  errors: number;
  non2xx: number;
  /**
   * Server CPU µs per response, tasks process and auth process. Less disturbed by other load than req/s:
   * it counts the work done, not the share of the cores the servers got.
   */
  cpuPerRequest: ServerCpu;
  /** The machine's CPU time over the measured runs (`undefined` without `/proc/stat`): how much of it was stolen. */
  machine: CpuTimes | undefined;
};

/** The value below which `fraction` of the sorted values lie (nearest rank). */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Pools the runs: throughput over the total time, exact percentiles over every response, CPU per response. */
export function summarize(runs: readonly MeasuredRun[]): LoadSummary {
  const responses = runs.reduce((sum, run) => sum + run.responses, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const all = new Float64Array(runs.reduce((sum, run) => sum + run.latenciesMs.length, 0));
  let offset = 0;
  for (const run of runs) {
    all.set(run.latenciesMs, offset);
    offset += run.latenciesMs.length;
  }
  all.sort();
  return {
    requestsPerSecond: responses / seconds,
    perRun: runs.map((run) => run.responses / run.seconds),
    p99PerRun: runs.map((run) => percentile(run.latenciesMs.slice().sort(), 0.99)),
    p50: percentile(all, 0.5),
    p95: percentile(all, 0.95),
    p99: percentile(all, 0.99),
    responses,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    cpuPerRequest: {
      tasks: runs.reduce((sum, run) => sum + run.cpu.tasks, 0) / responses,
      auth: runs.reduce((sum, run) => sum + run.cpu.auth, 0) / responses,
    },
    machine: runs.every((run) => run.machine !== undefined)
      ? {
          steal: runs.reduce((sum, run) => sum + run.machine!.steal, 0),
          total: runs.reduce((sum, run) => sum + run.machine!.total, 0),
        }
      : undefined,
  };
}
