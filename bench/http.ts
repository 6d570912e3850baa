/**
 * HTTP benchmark (issues #4 and #14): `GET /v1/tasks?limit=20` with a valid credential, through the real auth
 * and tasks services, for each contender of `http-contenders.ts`, on the embedded default (PGlite) and on
 * Postgres. Run with `npm run bench -- http [flags]`; writes `bench/results/http.md`.
 *
 * The auth service and the tasks services (two by default, each serving every contender) run in child processes;
 * autocannon runs here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@tessera/db/testing';
import type { AuthServerInput, AuthServerReady } from './http-auth-server.ts';
import { checkContender, listPath, seededRows, seedTasks, timedHeaders, waitUntilReady } from './http-checks.ts';
import { type ContenderId, type ContenderSpec, contenders } from './http-contenders.ts';
import { type MeasuredRun, runLoad, summarize } from './http-load.ts';
import { type ChildServer, startChild } from './http-processes.ts';
import { type DatabaseResult, renderReport, targetChecks } from './http-report.ts';
import { type DatabaseTarget, type HttpBenchSettings, parseSettings } from './http-settings.ts';
import type { CopyToDocsWay, SelectContender, TasksServerInput, TasksServerReady } from './http-tasks-server.ts';
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

/** One tasks process, which serves every contender, one selected at a time. */
type TasksProcess = {
  url: string;
  cpuMicros(): Promise<number>;
  select(contender: ContenderId): Promise<void>;
  /** Copies the seeded tasks into the docs' way's own embedded database (PGlite admits one opener per directory). */
  copyToDocsWay(rows: CopyToDocsWay['rows']): Promise<void>;
};

/**
 * Starts the auth service and `processes` tasks services, each on its own fresh database and each carrying every
 * contender. Several processes, because one process's luck lasts as long as it does: a Node process settles into a
 * garbage-collector mode under load (see the README). Every contender is measured on every process, so that luck
 * weighs on all of them alike.
 */
async function startServers(target: DatabaseTarget, processes: number, cleanups: Cleanups) {
  const authDatabase = (await freshDatabase(target, cleanups)) ?? 'memory://';
  const auth = await startChild<AuthServerReady>('./http-auth-server.ts', {
    databaseUrl: authDatabase,
  } satisfies AuthServerInput);
  cleanups.add(() => auth.stop());
  const { url: authUrl, userId, jwt, sessionToken } = auth.payload;
  const startProcess = async (): Promise<TasksProcess> => {
    const databaseUrl = await freshDatabase(target, cleanups);
    const dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-http-bench-'));
    cleanups.add(() => rmSync(dataDir, { recursive: true, force: true }));
    const input: TasksServerInput = { authUrl, userId, databaseUrl, dataDir };
    const tasks = await startChild<TasksServerReady>('./http-tasks-server.ts', input);
    cleanups.add(() => tasks.stop());
    const select = async (contender: ContenderId) => {
      await tasks.request({ type: 'select', contender } satisfies SelectContender);
    };
    const copyToDocsWay = async (rows: CopyToDocsWay['rows']) => {
      await tasks.request({ type: 'copy-to-docs-way', rows } satisfies CopyToDocsWay);
    };
    return { url: tasks.payload.url, cpuMicros: tasks.cpuMicros, select, copyToDocsWay };
  };
  // allSettled: when one fails to start, the others still finish starting and register their cleanups.
  const started = await Promise.allSettled(Array.from({ length: processes }, startProcess));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const tasksProcesses = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const credentialOf = (spec: ContenderSpec) => (spec.credential === 'jwt' ? jwt : sessionToken);
  return {
    auth,
    authDatabase: authDatabase === 'memory://' ? 'PGlite (memory://)' : 'Postgres (fresh database)',
    userId,
    tasksProcesses,
    credentialOf,
  };
}

/**
 * Warm-up of every contender on every process, then `rounds` measured rounds. Round `r` runs on process
 * `r mod processes`: every contender once, the order rotating per round, each run after selecting the contender
 * (which collects the heap). The CPU time of that tasks process and of the auth process is read before and after
 * each measured run.
 */
async function measure(
  tasksProcesses: readonly TasksProcess[],
  credentialOf: (spec: ContenderSpec) => string,
  auth: ChildServer<unknown>,
  settings: HttpBenchSettings,
): Promise<Map<ContenderId, MeasuredRun[]>> {
  const load = (tasksProcess: TasksProcess, spec: ContenderSpec, durationSeconds: number) =>
    runLoad({
      url: `${tasksProcess.url}${listPath}`,
      headers: timedHeaders(credentialOf(spec)),
      connections: settings.connections,
      durationSeconds,
    });
  for (const tasksProcess of tasksProcesses) {
    for (const spec of contenders) {
      await tasksProcess.select(spec.id);
      await load(tasksProcess, spec, settings.warmupSeconds);
      await pause(settleMs);
    }
  }
  const runs = new Map<ContenderId, MeasuredRun[]>(contenders.map((spec) => [spec.id, []]));
  for (let round = 0; round < settings.rounds; round += 1) {
    const processIndex = round % tasksProcesses.length;
    const tasksProcess = tasksProcesses[processIndex]!;
    const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]!);
    for (const spec of order) {
      await tasksProcess.select(spec.id);
      const [tasksBefore, authBefore] = await Promise.all([tasksProcess.cpuMicros(), auth.cpuMicros()]);
      const machineBefore = cpuTimes();
      const loaded = await load(tasksProcess, spec, settings.durationSeconds);
      const machine = cpuTimesBetween(machineBefore, cpuTimes());
      await pause(settleMs);
      const [tasksAfter, authAfter] = await Promise.all([tasksProcess.cpuMicros(), auth.cpuMicros()]);
      const run: MeasuredRun = {
        ...loaded,
        cpu: { tasks: tasksAfter - tasksBefore, auth: authAfter - authBefore },
        machine,
      };
      runs.get(spec.id)!.push(run);
      const rps = Math.round(run.responses / run.seconds);
      const cpu = Math.round((run.cpu.tasks + run.cpu.auth) / Math.max(1, run.responses));
      log(
        `  round ${round + 1}/${settings.rounds} ${spec.label} (process ${processIndex + 1}/${tasksProcesses.length}): ` +
          `${rps} req/s, ${cpu} µs server CPU/req, ${stealText(machine)} CPU steal, ${run.errors} errors, ${run.non2xx} non-2xx`,
      );
    }
  }
  return runs;
}

async function benchDatabase(target: DatabaseTarget, settings: HttpBenchSettings): Promise<DatabaseResult> {
  const cleanups = new Cleanups();
  try {
    const startedAt = Date.now();
    const { auth, authDatabase, userId, tasksProcesses, credentialOf } = await startServers(
      target,
      settings.processes,
      cleanups,
    );
    await Promise.all(tasksProcesses.map((tasksProcess) => waitUntilReady(tasksProcess.url)));
    // The tasks go in through the real API, as the service ships: under the guard, with the user's JWT.
    const guard = contenders.find((spec) => spec.id === 'guard-cache')!;
    for (const tasksProcess of tasksProcesses) {
      await tasksProcess.select(guard.id);
      await seedTasks(tasksProcess.url, credentialOf(guard));
      // On Postgres the docs' way reads the tasks service's own database; on PGlite it has one of its own.
      if (target === 'pglite')
        await tasksProcess.copyToDocsWay(await seededRows(tasksProcess.url, credentialOf(guard)));
    }
    for (const tasksProcess of tasksProcesses) {
      for (const spec of contenders) {
        await tasksProcess.select(spec.id);
        await checkContender({ spec, url: tasksProcess.url, credential: credentialOf(spec) }, userId);
      }
    }
    log(
      `${target}: ${tasksProcesses.length} tasks process(es), each with all ${contenders.length} contenders, started, seeded and checked in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    const runs = await measure(tasksProcesses, credentialOf, auth, settings);
    return {
      target,
      authDatabase,
      rows: contenders.map((spec) => ({ spec, summary: summarize(runs.get(spec.id) ?? []) })),
    };
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
    writeFileSync(new URL('http.md', dir), report);
    log('Report written to bench/results/http.md');
  }
  log(report.slice(report.indexOf('## Results')));
  for (const check of targetChecks(results, settings.connections))
    log(`${check.verdict}  ${check.name}: ${check.detail}`);
}
