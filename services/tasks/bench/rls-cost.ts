/**
 * What row-level security costs, on Postgres: list queries through the production scope (SET LOCAL ROLE
 * to the RLS role + `app.user_id`) against the very same query and transaction run as the superuser,
 * which Postgres exempts from RLS. Writes a Markdown report to `bench/results/rls-cost-<date>.md`.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:rls -w services/tasks
 *
 * Options (env): RLS_BENCH_QUERIES (per path and round, default 1500), RLS_BENCH_CONCURRENCY (a comma list of
 * client counts, default `1,8`), RLS_BENCH_ROUNDS (default 9). Many short interleaved rounds and their median
 * keep background load on a shared machine from favouring one path. It runs in a fresh database that it
 * drops afterwards.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '@tessera/config';
import { createTestDatabase } from '@tessera/db/testing';
import { asc, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openTasksDatabase, type TasksDb } from '../src/db/database.ts';
import { tasks } from '../src/db/schema.ts';
import { TaskRepository } from '../src/tasks/task-repository.ts';

const queriesPerRound = Number(process.env.RLS_BENCH_QUERIES ?? 1500);
const concurrencies = (process.env.RLS_BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);
const rounds = Number(process.env.RLS_BENCH_ROUNDS ?? 9);
const users = 200;
const tasksPerUser = 100;
const pageSize = 50;
/** A role made for this run only: like the app role, but exempt from row-level security. */
const bypassRole = `tessera_bench_bypass_${process.pid}`;

type PathResult = { name: string; opsPerSecond: number[]; p50: number[]; p99: number[] };

/** The list query both paths run: a page of one user's tasks in keyset order. */
function pageOf(tx: Pick<TasksDb, 'select'>, subject: string) {
  return tx.select().from(tasks).where(eq(tasks.userId, subject)).orderBy(asc(tasks.createdAt), asc(tasks.id)).limit(pageSize + 1);
}

const paths: Record<string, (db: TasksDb, subject: string) => Promise<unknown>> = {
  // The settings of the repository's scope (`tasks_enter_scope`: role switch + app.user_id), as the same plain
  // `set_config` statement as the two paths below so that only the role differs, in an ordinary transaction, then
  // the query; RLS policies apply.
  'with RLS (app role)': (db, subject) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'tessera_tasks_app', true), set_config('app.user_id', ${subject}, true)`);
      return pageOf(tx, subject);
    }),
  // Same transaction shape, same settings except the role: the superuser bypasses RLS.
  'without RLS (superuser)': (db, subject) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.user_id', ${subject}, true)`);
      return pageOf(tx, subject);
    }),
  // The same role switch as production, to a BYPASSRLS role: separates the cost of switching from the policies.
  'role switch, policies bypassed': (db, subject) =>
    db.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', ${bypassRole}, true), set_config('app.user_id', ${subject}, true)`,
      );
      return pageOf(tx, subject);
    }),
  // The real repository method, for reference: ONE statement, `tasks_list(…)`, which enters the same scope inside
  // its own implicit transaction and runs the query as PL/pgSQL (adds to_char timestamps and the cursor).
  'TaskRepository.list (RLS)': (db, subject) => TaskRepository.forSubject({ db, reads: db }, subject).list({ limit: pageSize }),
};

async function runPath(
  db: TasksDb,
  run: (db: TasksDb, subject: string) => Promise<unknown>,
  concurrency: number,
): Promise<{ opsPerSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queriesPerRound) {
        const subject = `bench-user-${next++ % users}`;
        const t0 = performance.now();
        await run(db, subject);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { opsPerSecond: queriesPerRound / seconds, p50: at(0.5), p99: at(0.99) };
}

/** Drops the bypass role; roles outlive the database, so this runs after the drop. */
async function dropRole(databaseUrl: string): Promise<void> {
  const admin = postgres(databaseUrl.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop role if exists "${bypassRole}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Measures every path at one concurrency: a warm-up round, then `rounds` interleaved rounds; one Markdown table. */
async function measure(db: TasksDb, concurrency: number): Promise<string[]> {
  const results: PathResult[] = Object.keys(paths).map((name) => ({ name, opsPerSecond: [], p50: [], p99: [] }));
  for (const run of Object.values(paths)) await runPath(db, run, concurrency);
  for (let round = 0; round < rounds; round++) {
    // Interleave the paths each round so background load on the machine hits them alike.
    for (const result of results) {
      const run = paths[result.name];
      if (run === undefined) continue;
      const measured = await runPath(db, run, concurrency);
      result.opsPerSecond.push(measured.opsPerSecond);
      result.p50.push(measured.p50);
      result.p99.push(measured.p99);
    }
  }
  const baseline = median(results.find((result) => result.name.startsWith('without'))?.opsPerSecond ?? []);
  return [
    `### ${concurrency} concurrent client${concurrency === 1 ? '' : 's'}`,
    '',
    '| path | queries/s (median) | p50 ms | p99 ms | vs. without RLS |',
    '|---|---:|---:|---:|---:|',
    ...results.map((result) => {
      const ops = median(result.opsPerSecond);
      return `| ${result.name} | ${ops.toFixed(0)} | ${median(result.p50).toFixed(2)} | ${median(result.p99).toFixed(2)} | ${(((ops - baseline) / baseline) * 100).toFixed(1)} % |`;
    }),
    '',
    `Per-round queries/s: ${results.map((result) => `${result.name}: ${result.opsPerSecond.map((value) => value.toFixed(0)).join(', ')}`).join('; ')}.`,
    '',
  ];
}

async function main(): Promise<void> {
  const target = await createTestDatabase();
  const database = await openTasksDatabase({ url: target.url, dataDir: '', poolMax: Math.max(...concurrencies) });
  try {
    // Seed as the superuser (exempt from RLS): users × tasks rows with distinct timestamps.
    await database.db.execute(sql`
      insert into tasks (user_id, title, created_at)
      select 'bench-user-' || u, 'task ' || t, now() - (t || ' seconds')::interval
      from generate_series(0, ${users - 1}) as u, generate_series(1, ${tasksPerUser}) as t`);
    await database.db.execute(sql`analyze tasks`);
    await database.db.execute(sql.raw(`create role "${bypassRole}" nologin bypassrls`));
    await database.db.execute(sql.raw(`grant select on tasks to "${bypassRole}"`));

    const tables: string[] = [];
    for (const concurrency of concurrencies) tables.push(...(await measure(database.db, concurrency)));

    const [version] = (await database.db.execute(sql`select current_setting('server_version') as version`)) as unknown as { version: string }[];
    const lines = [
      `# Row-level security cost — ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Postgres ${version?.version ?? '?'} on localhost, ${cpus().length} CPU cores shared with other work (load average ${loadavg()[0]?.toFixed(1)} at the end), Node ${process.version}.`,
      `${users} users × ${tasksPerUser} tasks; each query lists a page of ${pageSize} tasks of one user (index \`(user_id, created_at, id)\`)`,
      `in its own transaction, over a postgres-js pool of ${Math.max(...concurrencies)}. ${queriesPerRound} queries per path per round, ${rounds} interleaved rounds after one warm-up round;`,
      'medians of the rounds. Paths:',
      '',
      '- **with RLS**: the settings of the repository\'s scope (`set_config` of role `tessera_tasks_app` and `app.user_id`, as `tasks_enter_scope` does) in an ordinary transaction, then the query as `tessera_tasks_app`, policies applied.',
      '- **without RLS**: the same transaction and query as the superuser (exempt from RLS), setting only `app.user_id`.',
      '- **role switch, policies bypassed**: the same scope, but switching to a `BYPASSRLS` role: what the role switch alone costs.',
      '- **TaskRepository.list**: the real repository method (RLS): one statement, `select * from tasks_list(…)`, whose PL/pgSQL function enters the same scope in the statement\'s own transaction; it also formats timestamps with `to_char` and builds the cursor.',
      '',
      ...tables,
      'Command:',
      '',
      '```',
      `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test RLS_BENCH_QUERIES=${queriesPerRound} RLS_BENCH_CONCURRENCY=${concurrencies.join(',')} RLS_BENCH_ROUNDS=${rounds} npm run bench:rls -w services/tasks`,
      '```',
      '',
    ];
    const report = lines.join('\n');
    const folder = join(repoRoot, 'bench', 'results');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `rls-cost-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(file, report);
    console.log(report);
    console.log(`written to ${file}`);
  } finally {
    await database.close();
    await target.drop();
    await dropRole(target.url);
  }
}

await main();
