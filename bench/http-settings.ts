/**
 * Settings of the HTTP benchmark, from arguments (`duration=10` or `--duration=10`) or, failing that,
 * environment variables (`HTTP_BENCH_DURATION=10`), else the defaults below. Prefer the bare form through
 * `npm run bench -- http …`: the root script runs npm again, which would take `--duration=…` as its own config.
 */
export const databaseTargets = ['pglite', 'postgres'] as const;
export type DatabaseTarget = (typeof databaseTargets)[number];

export type HttpBenchSettings = {
  /** `connections=`, `HTTP_BENCH_CONNECTIONS`: concurrent keep-alive connections. Default 16. */
  connections: number;
  /** `duration=`, `HTTP_BENCH_DURATION`: seconds of one measured run. Default 4. */
  durationSeconds: number;
  /** `warmup=`, `HTTP_BENCH_WARMUP`: seconds of the warm-up run of each contender. Default 3. */
  warmupSeconds: number;
  /** `rounds=`, `HTTP_BENCH_ROUNDS`: measured runs per contender, interleaved, order rotating. Default 10. */
  rounds: number;
  /**
   * `processes=`, `HTTP_BENCH_PROCESSES`: tasks processes, each on its own database and each serving every
   * contender; round `r` measures every contender on process `r mod processes`. Default 2 (1 in a quick run); at
   * most `rounds`.
   */
  processes: number;
  /** `db=`, `HTTP_BENCH_DB`: `pglite`, `postgres` or both (comma-separated). Default both. */
  databases: DatabaseTarget[];
  /** `postgres=`, `TEST_DATABASE_URL`: the server to create fresh databases on. Default `postgres://postgres@127.0.0.1:5432/test`. */
  postgresUrl: string;
  /** `quick` or `--quick`: 1 s runs, one round, no report written (a smoke test). */
  quick: boolean;
};

const defaults = { connections: 16, durationSeconds: 4, warmupSeconds: 3, rounds: 10, processes: 2 };

const settingNames = ['connections', 'duration', 'warmup', 'rounds', 'processes', 'db', 'postgres'] as const;

/** `name=value` or `--name=value`, the last one given (`rls-cost.ts` reads its arguments the same way). */
export function flag(args: readonly string[], name: string): string | undefined {
  const value = args.map((arg) => /^(?:--)?([a-z]+)=(.*)$/s.exec(arg)).findLast((match) => match?.[1] === name);
  return value?.[2];
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function databaseList(raw: string | undefined): DatabaseTarget[] {
  if (raw === undefined || raw.trim() === '') return [...databaseTargets];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(databaseTargets as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`db= takes ${databaseTargets.join(', ')}; unknown: ${unknown.join(', ')}`);
  return databaseTargets.filter((target) => names.includes(target));
}

/** Reads the settings; throws on a malformed value rather than running with a surprise. */
export function parseSettings(args: readonly string[], env: NodeJS.ProcessEnv = process.env): HttpBenchSettings {
  const isSetting = (arg: string) => settingNames.some((name) => flag([arg], name) !== undefined);
  const stray = args.filter((arg) => arg !== 'quick' && arg !== '--quick' && !isSetting(arg));
  if (stray.length > 0)
    throw new Error(
      `unknown argument(s): ${stray.join(' ')}; known: quick, ${settingNames.map((name) => `${name}=…`).join(' ')}`,
    );
  const quick = args.includes('quick') || args.includes('--quick');
  const pick = (name: string, variable: string) => flag(args, name) ?? env[variable];
  const rounds = quick ? 1 : positiveInteger('rounds', pick('rounds', 'HTTP_BENCH_ROUNDS'), defaults.rounds);
  const processes = quick
    ? 1
    : positiveInteger('processes', pick('processes', 'HTTP_BENCH_PROCESSES'), Math.min(defaults.processes, rounds));
  if (processes > rounds)
    throw new Error(
      `processes must be at most rounds (${rounds}), got ${processes}: a process without a round is never measured`,
    );
  return {
    connections: positiveInteger('connections', pick('connections', 'HTTP_BENCH_CONNECTIONS'), defaults.connections),
    durationSeconds: quick
      ? 1
      : positiveInteger('duration', pick('duration', 'HTTP_BENCH_DURATION'), defaults.durationSeconds),
    warmupSeconds: quick ? 1 : positiveInteger('warmup', pick('warmup', 'HTTP_BENCH_WARMUP'), defaults.warmupSeconds),
    rounds,
    processes,
    databases: databaseList(pick('db', 'HTTP_BENCH_DB')),
    postgresUrl: pick('postgres', 'TEST_DATABASE_URL')?.trim() || 'postgres://postgres@127.0.0.1:5432/test',
    quick,
  };
}
