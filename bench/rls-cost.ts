/**
 * What the subject scope and row-level security cost, measured side by side in one process: a page of one user's
 * tasks listed inside `@tessera/db`'s `withSubject` (one transaction, `SET LOCAL ROLE` to the tasks service's
 * role, `app.user_id`, the policy applied), against the same drizzle select as the docs' way runs it (one
 * statement, no transaction, as the migrating superuser, which no policy binds), and against the scope switched to
 * a `BYPASSRLS` role (the transaction and the settings without the policy). On Postgres and on PGlite.
 * Run with `npm run bench -- rls-cost [quick] [db=…] [postgres=…]`; writes `bench/results/rls-cost.md`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type AppDatabase, openDatabase, withSubject } from '@tessera/db';
import { createTestDatabase } from '@tessera/db/testing';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { selectPage } from './docs-way-service.ts';
import { type DatabaseTarget, databaseList, flag } from './http-settings.ts';
import { codeRevision, machineLines, watchMachine } from './machine.ts';

const users = 200;
const tasksPerUser = 100;
const pageSize = 50;
/** The role the tasks service's scope switches to (its migration `rls` creates it). */
const appRole = 'tessera_tasks_app';
/** A role made for this run only: like the app role, but exempt from row-level security. */
const bypassRole = `tessera_bench_bypass_${process.pid}`;

type Path = { name: string; run(db: AppDatabase, subject: string): Promise<unknown> };

const paths: readonly Path[] = [
  {
    name: 'scope + policy (`withSubject`, the tasks service)',
    run: (db, subject) => withSubject(db, subject, (tx) => selectPage(tx, subject, pageSize + 1), { role: appRole }),
  },
  {
    name: 'scope, policy bypassed (`BYPASSRLS` role)',
    run: (db, subject) => withSubject(db, subject, (tx) => selectPage(tx, subject, pageSize + 1), { role: bypassRole }),
  },
  { name: "plain select (the docs' way)", run: (db, subject) => selectPage(db, subject, pageSize + 1) },
];

type Settings = { quick: boolean; rounds: number; queries: number; databases: DatabaseTarget[]; postgresUrl: string };

function parseSettings(args: readonly string[]): Settings {
  const stray = args.filter(
    (arg) => arg !== 'quick' && flag([arg], 'db') === undefined && flag([arg], 'postgres') === undefined,
  );
  if (stray.length > 0) throw new Error(`unknown argument(s): ${stray.join(' ')}; known: quick, db=…, postgres=…`);
  const quick = args.includes('quick');
  return {
    quick,
    rounds: quick ? 1 : 5,
    queries: quick ? 200 : 500,
    databases: databaseList(flag(args, 'db')),
    postgresUrl:
      flag(args, 'postgres') ?? process.env.TEST_DATABASE_URL?.trim() ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}

/** `queries` list calls spread over `concurrency` callers: queries/s, p50 and p99 in ms. */
async function runPath(db: AppDatabase, path: Path, concurrency: number, queries: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queries) {
        const subject = `bench-user-${next++ % users}`;
        const t0 = performance.now();
        await path.run(db, subject);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { perSecond: queries / seconds, p50: at(0.5), p99: at(0.99) };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** A warm-up round, then `rounds` rounds of every path, interleaved; one Markdown table of the medians. */
async function measure(db: AppDatabase, concurrency: number, settings: Settings): Promise<string[]> {
  const results = paths.map((path) => ({ path, perSecond: [] as number[], p50: [] as number[], p99: [] as number[] }));
  for (const path of paths) await runPath(db, path, concurrency, settings.queries);
  for (let round = 0; round < settings.rounds; round++) {
    // The order rotates, so background load on the machine hits every path alike.
    for (let index = 0; index < results.length; index++) {
      const result = results[(index + round) % results.length]!;
      const measured = await runPath(db, result.path, concurrency, settings.queries);
      result.perSecond.push(measured.perSecond);
      result.p50.push(measured.p50);
      result.p99.push(measured.p99);
    }
  }
  const [scoped, bypassed, plain] = results.map((result) => median(result.perSecond)) as [number, number, number];
  const change = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(0)}%`;
  return [
    `#### ${concurrency} concurrent caller${concurrency === 1 ? '' : 's'}`,
    '',
    '| path | queries/s (median) | per round (min–max) | p50 ms | p99 ms | vs plain select | µs per call over plain (from queries/s) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(({ path, perSecond, p50, p99 }) => {
      const rate = median(perSecond);
      const cells = [
        path.name,
        rate.toFixed(0),
        `${Math.min(...perSecond).toFixed(0)}–${Math.max(...perSecond).toFixed(0)}`,
        median(p50).toFixed(3),
        median(p99).toFixed(3),
        `${(rate / plain).toFixed(2)}×`,
        ((1 / rate - 1 / plain) * 1e6).toFixed(0),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
    `The policy itself: ${change(scoped / bypassed)} queries/s against the same scope without it. The scope without the policy ` +
      `(a transaction, \`SET LOCAL ROLE\`, \`app.user_id\`): ${change(bypassed / plain)} against the plain select.`,
    '',
  ];
}

/** Opens a fresh tasks database (the tasks service's migrations), seeds it and makes the bypass role. */
async function openSeeded(target: DatabaseTarget, cleanups: (() => Promise<void>)[]) {
  let url: string | undefined;
  let dataDir = '';
  if (target === 'postgres') {
    const database = await createTestDatabase();
    // Roles outlive the database: the bypass role goes after the database is dropped.
    cleanups.push(
      () => dropRole(database.url),
      () => database.drop(),
    );
    url = database.url;
  } else {
    dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-rls-cost-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  }
  const database = await openDatabase({ url, dataDir, name: 'tasks', schema: {}, poolMax: 8 });
  cleanups.push(() => database.close());
  await database.migrate(fileURLToPath(new URL('../drizzle/', import.meta.resolve('@tessera/tasks'))));
  // As the superuser, past row-level security: users × tasks rows with distinct timestamps.
  await database.db.execute(sql`
    insert into tasks (user_id, title, created_at)
    select 'bench-user-' || u, 'task ' || t, now() - (t || ' seconds')::interval
    from generate_series(0, ${users - 1}) as u, generate_series(1, ${tasksPerUser}) as t`);
  await database.db.execute(sql`analyze tasks`);
  await database.db.execute(sql.raw(`create role "${bypassRole}" nologin bypassrls`));
  await database.db.execute(sql.raw(`grant usage on schema public to "${bypassRole}"`));
  await database.db.execute(sql.raw(`grant select on tasks to "${bypassRole}"`));
  return database;
}

async function dropRole(databaseUrl: string): Promise<void> {
  const admin = postgres(databaseUrl.replace(/\/[^/]*$/, '/postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop role if exists "${bypassRole}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function measureHalf(target: DatabaseTarget, settings: Settings): Promise<string[]> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const database = await openSeeded(target, cleanups);
    // PGlite runs one statement at a time on this thread: more callers only queue.
    const concurrencies = target === 'postgres' ? [1, 8] : [1];
    const lines = [
      target === 'postgres'
        ? '### Postgres (postgres-js, a pool of 8)'
        : '### Embedded default (PGlite under a temporary directory)',
      '',
    ];
    for (const concurrency of concurrencies) {
      process.stdout.write(`${target}: ${concurrency} concurrent caller(s)\n`);
      lines.push(...(await measure(database.db, concurrency, settings)));
    }
    return lines;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** Entry point used by `bench/run.ts`. */
export async function main(args: readonly string[] = []): Promise<void> {
  const settings = parseSettings(args);
  process.env.TEST_DATABASE_URL = settings.postgresUrl;
  const startedAt = new Date();
  const endWatch = watchMachine();
  const tables: string[] = [];
  for (const target of settings.databases) tables.push(...(await measureHalf(target, settings)));
  const command = ['npm run bench -- rls-cost', ...args].join(' ');
  const report = [
    `# Row-level security cost, ${startedAt.toISOString()}`,
    '',
    `Measured on commit ${codeRevision()}. Reproduce from the repository root with \`${command}\`.`,
    '',
    '## Machine',
    '',
    machineLines(endWatch()),
    '',
    '## Method',
    '',
    `${users} users × ${tasksPerUser} tasks; each call lists a page of ${pageSize} tasks of one user (\`limit ${pageSize + 1}\`, index \`(user_id, created_at, id)\`),`,
    `with the docs' way's drizzle select (\`selectPage\` in \`bench/docs-way-service.ts\`). ${settings.queries} calls per path and round, spread over the callers;`,
    `a warm-up round, then ${settings.rounds} rounds with the order of the paths rotating; the figures are the medians over rounds.`,
    '',
    '- **scope + policy**: `withSubject` from `@tessera/db` as the tasks service calls it: `begin`, `set_config` of the role',
    `  \`${appRole}\` and \`app.user_id\`, the select (filtered by the policy and by \`user_id\`), \`commit\`.`,
    '- **scope, policy bypassed**: the same, switching to a `BYPASSRLS` role made for the run: what the transaction and the',
    '  settings cost without the policy.',
    '- **plain select**: the select alone, one statement outside any transaction, as the superuser that migrated (no policy',
    "  binds it): the docs' way.",
    '',
    '## Results',
    '',
    ...tables,
  ].join('\n');
  if (!settings.quick) {
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('rls-cost.md', dir), report);
    process.stdout.write('Report written to bench/results/rls-cost.md\n');
  }
  process.stdout.write(`${report.slice(report.indexOf('## Results'))}\n`);
}
