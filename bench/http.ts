/**
 * HTTP benchmark (issue #4): `GET /v1/tasks?limit=20` with a valid credential, through the real auth and
 * tasks services, for each contender of `http-contenders.ts`, on the embedded default (PGlite) and on
 * Postgres. Run with `npm run bench -- http [flags]`; writes `bench/results/http-<date>.md`.
 *
 * The auth service and one tasks service per contender run in child processes; autocannon runs here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@tessera/db/testing';
import type { AuthServerInput, AuthServerReady } from './http-auth-server.ts';
import { checkContender, listPath, seedTasks, timedHeaders, waitUntilReady, type ContenderTarget } from './http-checks.ts';
import { contenders, type ContenderId } from './http-contenders.ts';
import { runLoad, summarize, type MeasuredRun } from './http-load.ts';
import { startChild, type ChildServer } from './http-processes.ts';
import { renderReport, targetChecks, type DatabaseResult } from './http-report.ts';
import { parseSettings, type DatabaseTarget, type HttpBenchSettings } from './http-settings.ts';
import type { TasksServerInput, TasksServerReady } from './http-tasks-server.ts';
import { cpuTimes, cpuTimesBetween, stealText, watchMachine } from './machine.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After a run, the requests autocannon abandoned when its time was up are still being handled: let them end
 * before the CPU time is read and before the next run or the shutdown.
 */
const settleMs = 500;

/** Cleanups run last-in first-out: servers stop before their databases are dropped and directories removed. */
class Cleanups {
  readonly #steps: (() => Promise<void> | void)[] = [];
  add(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}

/** A fresh Postgres database that is dropped at cleanup, or `undefined` on the embedded default. */
async function freshDatabase(target: DatabaseTarget, cleanups: Cleanups): Promise<string | undefined> {
  if (target === 'pglite') return undefined;
  const database = await createTestDatabase();
  cleanups.add(() => database.drop());
  return database.url;
}

/** A contender's tasks service, with its process's CPU time. */
type RunningContender = ContenderTarget & { cpuMicros(): Promise<number> };

/** Starts the auth service and one tasks service per contender, each on its own fresh database. */
async function startServers(target: DatabaseTarget, cleanups: Cleanups) {
  const authDatabase = (await freshDatabase(target, cleanups)) ?? 'memory://';
  const auth = await startChild<AuthServerReady>('./http-auth-server.ts', { databaseUrl: authDatabase } satisfies AuthServerInput);
  cleanups.add(() => auth.stop());
  const { url: authUrl, userId, jwt, sessionToken } = auth.payload;
  // allSettled: when one fails to start, the others still finish starting and register their cleanups.
  const started = await Promise.allSettled(
    contenders.map(async (spec): Promise<RunningContender> => {
      const databaseUrl = await freshDatabase(target, cleanups);
      const dataDir = mkdtempSync(join(os.tmpdir(), `tessera-http-bench-${spec.id}-`));
      cleanups.add(() => rmSync(dataDir, { recursive: true, force: true }));
      const input: TasksServerInput = { contender: spec.id, authUrl, userId, databaseUrl, dataDir };
      const tasks = await startChild<TasksServerReady>('./http-tasks-server.ts', input);
      cleanups.add(() => tasks.stop());
      return { spec, url: tasks.payload.url, credential: spec.credential === 'jwt' ? jwt : sessionToken, cpuMicros: tasks.cpuMicros };
    }),
  );
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const targets = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  return { auth, authDatabase: authDatabase === 'memory://' ? 'PGlite (memory://)' : 'Postgres (fresh database)', userId, targets };
}

/**
 * Warm-up for each, then `rounds` measured runs each, interleaved with the order rotating per round. The CPU
 * time of the contender's tasks process and of the auth process is read before and after each measured run.
 */
async function measure(targets: readonly RunningContender[], auth: ChildServer<unknown>, settings: HttpBenchSettings): Promise<Map<ContenderId, MeasuredRun[]>> {
  const load = (target: RunningContender, durationSeconds: number) =>
    runLoad({ url: `${target.url}${listPath}`, headers: timedHeaders(target), connections: settings.connections, durationSeconds });
  for (const target of targets) {
    await load(target, settings.warmupSeconds);
    await pause(settleMs);
  }
  const runs = new Map<ContenderId, MeasuredRun[]>(targets.map((target) => [target.spec.id, []]));
  for (let round = 0; round < settings.rounds; round += 1) {
    const order = targets.map((_, index) => targets[(index + round) % targets.length]!);
    for (const target of order) {
      const [tasksBefore, authBefore] = await Promise.all([target.cpuMicros(), auth.cpuMicros()]);
      const machineBefore = cpuTimes();
      const loaded = await load(target, settings.durationSeconds);
      const machine = cpuTimesBetween(machineBefore, cpuTimes());
      await pause(settleMs);
      const [tasksAfter, authAfter] = await Promise.all([target.cpuMicros(), auth.cpuMicros()]);
      const run: MeasuredRun = { ...loaded, cpu: { tasks: tasksAfter - tasksBefore, auth: authAfter - authBefore }, machine };
      runs.get(target.spec.id)!.push(run);
      const rps = Math.round(run.responses / run.seconds);
      const cpu = Math.round((run.cpu.tasks + run.cpu.auth) / Math.max(1, run.responses));
      log(`  round ${round + 1}/${settings.rounds} ${target.spec.label}: ${rps} req/s, ${cpu} µs server CPU/req, ${stealText(machine)} CPU steal, ${run.errors} errors, ${run.non2xx} non-2xx`);
    }
  }
  return runs;
}

async function benchDatabase(target: DatabaseTarget, settings: HttpBenchSettings): Promise<DatabaseResult> {
  const cleanups = new Cleanups();
  try {
    const startedAt = Date.now();
    const { auth, authDatabase, userId, targets } = await startServers(target, cleanups);
    await Promise.all(targets.map((t) => waitUntilReady(t)));
    for (const t of targets) await seedTasks(t);
    for (const t of targets) await checkContender(t, userId);
    log(`${target}: ${targets.length} contenders started, seeded and checked in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    const runs = await measure(targets, auth, settings);
    return { target, authDatabase, rows: targets.map((t) => ({ spec: t.spec, summary: summarize(runs.get(t.spec.id) ?? []) })) };
  } finally {
    await cleanups.run();
  }
}

/** An argument as the report may show it: a password in a database URL is masked. */
function withoutPassword(arg: string): string {
  return arg.replace(/(:\/\/[^:/@\s]+:)[^@\s]*@/, '$1***@');
}

/** True when the Postgres server answers; the probe database is dropped at once. */
async function postgresAnswers(): Promise<boolean> {
  try {
    await (await createTestDatabase()).drop();
    return true;
  } catch {
    return false;
  }
}

/** Entry point used by `bench/run.ts`. */
export async function main(args: readonly string[] = []): Promise<void> {
  const settings = parseSettings(args);
  // `@tessera/db/testing` creates its databases on the server of TEST_DATABASE_URL.
  process.env.TEST_DATABASE_URL = settings.postgresUrl;
  const startedAt = new Date();
  const endWatch = watchMachine();
  log(
    `HTTP benchmark: ${settings.connections} connections, warm-up ${settings.warmupSeconds} s, ${settings.rounds} × ${settings.durationSeconds} s measured per contender, on ${settings.databases.join(' and ')}`,
  );
  const results: DatabaseResult[] = [];
  const skipped: string[] = [];
  for (const target of settings.databases) {
    if (target === 'postgres' && !(await postgresAnswers())) {
      const line = `SKIPPED: Postgres at ${new URL(settings.postgresUrl).host} does not answer; the Postgres half (and its targets) did not run`;
      log(`\n!!!!! ${line} !!!!!\n`);
      skipped.push(line);
      continue;
    }
    results.push(await benchDatabase(target, settings));
  }
  const machine = endWatch();
  const command = ['npm run bench -- http', ...args.map(withoutPassword)].join(' ');
  const report = renderReport({ startedAt, finishedAt: new Date(), settings, command, machine, results, skipped });
  if (!settings.quick) {
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const name = `http-${startedAt.toISOString().slice(0, 10)}.md`;
    writeFileSync(new URL(name, dir), report);
    log(`Report written to bench/results/${name}`);
  }
  log(report.slice(report.indexOf('## Results')));
  for (const check of targetChecks(results, settings.connections)) log(`${check.verdict}  ${check.name}: ${check.detail}`);
}
