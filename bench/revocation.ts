/**
 * Revocation benchmark: `npm run bench -- revocation [--count N] [--quick]`; writes `bench/results/revocation.md`.
 *
 * 1. Propagation: the real auth service and 1, then 3, real tasks services (each in its own process, following
 *    the revocation list as shipped). For each of N sessions: its JWT is verified once by every tasks service (so
 *    it sits in their caches), the session signs out, and from the moment the sign-out call returns every tasks
 *    service is called with the JWT, back to back, until it answers 401 `token_revoked`.
 * 2. The guard's cost per request with revocations on and off, cache hit and uncached (EdDSA).
 * 3. The tasks list's throughput with `REVOCATIONS=on` against `off`, two tasks processes, runs alternating.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { nativeFetch } from '@tessera/auth/testing';
import type { Principal } from '@tessera/guard';
import { createVerifier, type Verifier } from '@tessera/guard';
import { generateTestKey, RevocationList, signToken, startRevocationServer } from '@tessera/guard/testing';
import { type Measurement, measure } from './guard-harness.ts';
import type { AuthServerInput, AuthServerReady } from './http-auth-server.ts';
import { listPath, seedTasks, waitUntilReady } from './http-checks.ts';
import { runLoad } from './http-load.ts';
import { type ChildServer, startChild } from './http-processes.ts';
import type { TasksServerInput, TasksServerReady } from './http-tasks-server.ts';
import { codeRevision, machineLines, watchMachine } from './machine.ts';

/** The contract: every follower refuses the token within this long of the revoking call returning. */
const boundMs = 1_000;
/** A follower that has not refused after this long counts as a miss (and fails the target). */
const giveUpMs = 10_000;

type Options = { count: number; quick: boolean };

function parseOptions(args: readonly string[]): Options {
  const quick = args.includes('--quick') || args.includes('quick');
  const at = args.indexOf('--count');
  const count = at >= 0 ? Number(args[at + 1]) : quick ? 20 : 200;
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive integer');
  return { count, quick };
}

/** The value below which `fraction` of the sorted values lie (nearest rank). */
function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

// --- the stack --------------------------------------------------------------------------------------------

type Stack = {
  auth: ChildServer<AuthServerReady>;
  email: string;
  password: string;
  userId: string;
  cleanups: (() => Promise<void> | void)[];
};

async function startTasks(stack: Stack, revocations: 'on' | 'off'): Promise<ChildServer<TasksServerReady>> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-revocation-bench-'));
  stack.cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const input: TasksServerInput = {
    authUrl: stack.auth.payload.url,
    userId: stack.userId,
    databaseUrl: undefined,
    dataDir,
    revocations,
  };
  const tasks = await startChild<TasksServerReady>('./http-tasks-server.ts', input);
  stack.cleanups.push(() => tasks.stop());
  await waitUntilReady(tasks.payload.url);
  return tasks;
}

/**
 * A fresh session of the bench user and a JWT for it. The session is opened through Better Auth's adapter in the
 * auth process rather than by a sign-in: hundreds of scrypt password checks would dominate the run.
 */
async function newSession(stack: Stack): Promise<{ sessionToken: string; jwt: string }> {
  const sessionToken = (await stack.auth.request({ type: 'session', userId: stack.userId })) as string;
  const answer = await nativeFetch(`${stack.auth.payload.url}/api/auth/token`, {
    headers: { authorization: `Bearer ${sessionToken}` },
  });
  if (answer.status !== 200) throw new Error(`/api/auth/token answered ${answer.status}`);
  return { sessionToken, jwt: ((await answer.json()) as { token: string }).token };
}

async function status(url: string, jwt: string): Promise<{ status: number; reason?: string }> {
  const response = await fetch(`${url}/v1/tasks?limit=1`, { headers: { authorization: `Bearer ${jwt}` } });
  if (response.status !== 401) {
    await response.body?.cancel();
    return { status: response.status };
  }
  return { status: 401, reason: ((await response.json()) as { reason?: string }).reason };
}

/** Calls the follower back to back until it refuses the token; ms from `since`, or `Infinity` after `giveUpMs`. */
async function msUntilRefused(url: string, jwt: string, since: number): Promise<number> {
  for (;;) {
    const answer = await status(url, jwt);
    const elapsed = performance.now() - since;
    if (answer.status === 401) {
      if (answer.reason !== 'token_revoked') throw new Error(`refused for ${answer.reason}, not token_revoked`);
      return elapsed;
    }
    if (answer.status !== 200) throw new Error(`a follower answered ${answer.status}`);
    if (elapsed > giveUpMs) return Number.POSITIVE_INFINITY;
  }
}

type Propagation = { followers: number; count: number; lastFollower: number[]; eachFollower: number[] };

async function propagation(
  stack: Stack,
  followers: readonly ChildServer<TasksServerReady>[],
  count: number,
): Promise<Propagation> {
  const sessions = [];
  for (let i = 0; i < count; i++) sessions.push(await newSession(stack));
  const lastFollower: number[] = [];
  const eachFollower: number[] = [];
  for (const { sessionToken, jwt } of sessions) {
    // Verified once by every follower: the refusal below comes from a verified-token cache hit.
    for (const follower of followers) {
      const before = await status(follower.payload.url, jwt);
      if (before.status !== 200) throw new Error(`a fresh JWT answered ${before.status}`);
    }
    const signedOut = await nativeFetch(`${stack.auth.payload.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionToken}` },
      body: '{}',
    });
    const returned = performance.now();
    if (signedOut.status !== 200) throw new Error(`sign-out answered ${signedOut.status}`);
    const times = await Promise.all(followers.map((follower) => msUntilRefused(follower.payload.url, jwt, returned)));
    eachFollower.push(...times);
    lastFollower.push(Math.max(...times));
  }
  return {
    followers: followers.length,
    count,
    lastFollower: lastFollower.sort((a, b) => a - b),
    eachFollower: eachFollower.sort((a, b) => a - b),
  };
}

// --- the guard's cost per request -------------------------------------------------------------------------

/**
 * What revocations add to a cache hit, alone: one `RevocationList.refuses` on a list of `listSize` entries, for a
 * session not on it. A synchronous loop of millions, best of several runs: steady even on a loaded machine.
 */
function lookupNanoseconds(entries: readonly unknown[], quick: boolean): number {
  const list = new RevocationList();
  list.merge(entries, Date.now());
  const principal: Principal = {
    kind: 'user',
    subject: 'u',
    userId: 'u',
    scopes: new Set(),
    claims: { iss: 'i', sub: 'u', aud: 'a', exp: 0, sid: randomUUID() },
  };
  const iterations = quick ? 200_000 : 5_000_000;
  let best = Number.POSITIVE_INFINITY;
  let refused = 0;
  for (let run = 0; run < (quick ? 2 : 9); run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (list.refuses(principal)) refused++;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  if (refused !== 0) throw new Error('the lookup refused a session that is not listed');
  return best;
}

async function guardCost(
  quick: boolean,
): Promise<{ results: readonly Measurement[]; listSize: number; lookupNs: number }> {
  const key = generateTestKey('EdDSA', 'bench-revocation');
  const later = Math.floor(Date.now() / 1000) + 3600;
  const listSize = 1_000;
  const entries = Array.from({ length: listSize }, () => ({
    sid: randomUUID(),
    revoked_at: later - 3600,
    expires_at: later,
  }));
  const lookupNs = lookupNanoseconds(entries, quick);
  const server = await startRevocationServer(entries);
  const base = {
    issuer: 'http://localhost:3000',
    audience: 'tessera',
    algorithms: ['EdDSA' as const],
    keys: [key.jwk],
  };
  const revocations = { url: server.url };
  const verifiers: Verifier[] = [
    createVerifier({ ...base, cache: false }),
    createVerifier({ ...base, cache: false, revocations }),
    createVerifier(base),
    createVerifier({ ...base, revocations }),
  ];
  try {
    await Promise.all(verifiers.map((verifier) => verifier.revocations?.ready()));
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(key, {
      iss: base.issuer,
      aud: 'tessera',
      sub: 'bench-user',
      user_id: 'bench-user',
      sid: randomUUID(),
      iat: now,
      exp: now + 3600,
    });
    const [noCacheOff, noCacheOn, cacheOff, cacheOn] = verifiers as [Verifier, Verifier, Verifier, Verifier];
    const contenders = [
      { name: 'uncached, revocations off', run: () => noCacheOff.verify(token), async: true },
      { name: 'uncached, revocations on', run: () => noCacheOn.verify(token), async: true },
      { name: 'cache hit, revocations off', run: () => cacheOff.verify(token), async: true },
      { name: 'cache hit, revocations on', run: () => cacheOn.verify(token), async: true },
    ];
    for (const contender of contenders) await contender.run();
    const results = await measure(
      contenders,
      quick ? { rounds: 3, roundMs: 20, warmupMs: 30 } : { rounds: 41, roundMs: 40, warmupMs: 250 },
    );
    return { results, listSize, lookupNs };
  } finally {
    for (const verifier of verifiers) verifier.close();
    await server.close();
  }
}

// --- tasks list throughput, revocations on and off --------------------------------------------------------

type Throughput = { on: number[]; off: number[]; seconds: number; connections: number };

async function throughput(stack: Stack, quick: boolean): Promise<Throughput> {
  const on = await startTasks(stack, 'on');
  const off = await startTasks(stack, 'off');
  const { jwt } = await newSession(stack);
  await seedTasks(on.payload.url, jwt);
  await seedTasks(off.payload.url, jwt);
  const connections = 16;
  const seconds = quick ? 2 : 6;
  const rounds = quick ? 1 : 6;
  const result: Throughput = { on: [], off: [], seconds, connections };
  const run = async (server: ChildServer<TasksServerReady>) => {
    const load = await runLoad({
      url: `${server.payload.url}${listPath}`,
      headers: { authorization: `Bearer ${jwt}` },
      connections,
      durationSeconds: seconds,
    });
    if (load.non2xx > 0 || load.errors > 0)
      throw new Error(`throughput run: ${load.non2xx} non-2xx, ${load.errors} errors`);
    return load.responses / load.seconds;
  };
  // Warm both, then alternate which goes first in each round.
  await run(on);
  await run(off);
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      result.on.push(await run(on));
      result.off.push(await run(off));
    } else {
      result.off.push(await run(off));
      result.on.push(await run(on));
    }
  }
  await on.stop();
  await off.stop();
  return result;
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

// --- report -----------------------------------------------------------------------------------------------

function propagationRows(result: Propagation): string[] {
  const row = (what: string, values: number[]) =>
    `| ${result.followers} | ${what} | ${values.length} | ${ms(percentile(values, 0.5))} | ${ms(percentile(values, 0.9))} | ${ms(percentile(values, 0.99))} | ${ms(values.at(-1) ?? Number.NaN)} |`;
  return [
    row('the last follower to refuse', result.lastFollower),
    ...(result.followers > 1 ? [row('each follower', result.eachFollower)] : []),
  ];
}

export async function main(args: readonly string[] = []): Promise<void> {
  const { count, quick } = parseOptions(args);
  const endWatch = watchMachine();
  const startedAt = new Date();
  const auth = await startChild<AuthServerReady>('./http-auth-server.ts', {
    databaseUrl: 'memory://',
  } satisfies AuthServerInput);
  const stack: Stack = {
    auth,
    email: `revocation-bench-${randomUUID()}@example.test`,
    password: `pw-${randomUUID()}`,
    userId: '',
    cleanups: [() => auth.stop()],
  };
  try {
    const signedUp = await nativeFetch(`${auth.payload.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: stack.email, password: stack.password, name: 'Revocation Bench' }),
    });
    if (signedUp.status !== 200) throw new Error(`sign-up answered ${signedUp.status}`);
    stack.userId = ((await signedUp.json()) as { user: { id: string } }).user.id;

    process.stdout.write('guard cost per request…\n');
    const cost = await guardCost(quick);
    process.stdout.write('tasks list throughput, revocations on and off…\n');
    const load = await throughput(stack, quick);
    process.stdout.write(`propagation to 1 follower, ${count} sign-outs…\n`);
    const first = await startTasks(stack, 'on');
    const one = await propagation(stack, [first], count);
    process.stdout.write(`propagation to 3 followers, ${count} sign-outs…\n`);
    const three = await propagation(
      stack,
      [first, await startTasks(stack, 'on'), await startTasks(stack, 'on')],
      count,
    );
    const machine = endWatch();

    // Rounds run interleaved, so on and off of one round saw the same machine: the median of the per-round
    // differences (and ratios) is far steadier on a loaded machine than the difference of two medians.
    const samplesOf = (name: string) => cost.results.find((m) => m.name === name)?.samples ?? [];
    const pairedDelta = (on: string, off: string) =>
      median(samplesOf(on).map((value, round) => value - (samplesOf(off)[round] ?? Number.NaN)));
    const hitDelta = pairedDelta('cache hit, revocations on', 'cache hit, revocations off');
    const uncachedDelta = pairedDelta('uncached, revocations on', 'uncached, revocations off');
    const loadRatio = median(load.on.map((value, round) => value / (load.off[round] ?? Number.NaN)));
    const worstP99 = Math.max(percentile(one.lastFollower, 0.99), percentile(three.lastFollower, 0.99));
    const checks = [
      {
        name: `p99 propagation ≤ ${boundMs} ms (1 and 3 followers, the last follower to refuse)`,
        pass: worstP99 <= boundMs,
        detail: ms(worstP99),
      },
      {
        name: 'cached hit within 0.2 µs of revocations off (the added lookup, timed alone)',
        pass: cost.lookupNs <= 200,
        detail: `+${(cost.lookupNs / 1000).toFixed(3)} µs (whole hits, paired rounds: ${hitDelta >= 0 ? '+' : ''}${hitDelta.toFixed(3)} µs)`,
      },
      {
        name: 'tasks list throughput with revocations on ≥ 97% of off',
        pass: loadRatio >= 0.97,
        detail: `${(loadRatio * 100).toFixed(1)}%`,
      },
    ];
    const report = [
      `# Revocation benchmark, ${startedAt.toISOString()}`,
      '',
      `Measured on commit ${codeRevision()}. Reproduce with \`npm run bench -- revocation\` from the repository root${count === 200 ? '' : ` (here with \`--count ${count}\`)`}.`,
      '',
      '## Machine',
      '',
      machineLines(machine),
      '',
      'The machine is shared and noisy: other processes ran during this benchmark. Compare the rows of one run.',
      '',
      '## Targets',
      '',
      '| target | result | measured |',
      '|---|---|---|',
      ...checks.map((t) => `| ${t.name} | ${t.pass ? 'PASS' : 'FAIL'} | ${t.detail} |`),
      '',
      '## Propagation: from a sign-out returning to the first 401 `token_revoked`',
      '',
      'The real auth service (PGlite, in memory) and real tasks services, each in its own process on loopback, each',
      'following `/api/auth/revocations` as shipped (`REVOCATIONS=on`: one long poll per process). Per session: the JWT',
      'is verified once by every tasks service (so the refusal comes from a verified-token cache hit), the session',
      'signs out through `POST /api/auth/sign-out`, and from the moment that call returns every tasks service is',
      `called with the JWT back to back until it answers 401 \`token_revoked\` (a miss after ${giveUpMs / 1000} s would count as ∞).`,
      "The time is mostly the auth process's 200 ms poll of the revocation table, then one long-poll answer.",
      '',
      '| followers | time until | revocations | p50 | p90 | p99 | max |',
      '|---:|---|---:|---:|---:|---:|---:|',
      ...propagationRows(one),
      ...propagationRows(three),
      '',
      '## The guard per request, revocations on and off',
      '',
      `\`createVerifier\` with static EdDSA keys, following a revocation list of ${cost.listSize.toLocaleString('en-US')} entries`,
      "(`@tessera/guard/testing`'s revocation server) or not; a token whose `sid` is not listed. Harness of `bench/guard.ts`:",
      'interleaved rounds, median µs/op. `npm run bench -- guard` has the same rows for every algorithm.',
      '',
      '| verifier | µs/op (median) | min–max over rounds |',
      '|---|---:|---:|',
      ...cost.results.map(
        (m) =>
          `| ${m.name} | ${m.microseconds.toFixed(3)} | ${Math.min(...m.samples).toFixed(3)}–${Math.max(...m.samples).toFixed(3)} |`,
      ),
      '',
      `A cache hit with revocations on does exactly one thing more: \`RevocationList.refuses\` (a \`Map\` lookup of the \`sid\`).`,
      `Timed alone (best of several synchronous runs of millions, ${cost.listSize.toLocaleString('en-US')} entries): ${cost.lookupNs.toFixed(1)} ns.`,
      '',
      `Whole verifications: revocations on cost ${hitDelta >= 0 ? '+' : ''}${hitDelta.toFixed(3)} µs on a cache hit and ${uncachedDelta >= 0 ? '+' : ''}${uncachedDelta.toFixed(3)} µs uncached`,
      '(the median over rounds of on minus off in the same round; the rounds interleave, so each pair saw the same machine).',
      '',
      '## Tasks list throughput, revocations on and off',
      '',
      `Two tasks processes (PGlite), the same seeded user, \`GET ${listPath}\` with the guard's cache, autocannon with`,
      `${load.connections} connections, ${load.seconds} s runs after a warm-up run each, alternating which goes first.`,
      '',
      '| REVOCATIONS | req/s per run | median |',
      '|---|---|---:|',
      `| on | ${load.on.map((v) => v.toFixed(0)).join(', ')} | ${median(load.on).toFixed(0)} |`,
      `| off | ${load.off.map((v) => v.toFixed(0)).join(', ')} | ${median(load.off).toFixed(0)} |`,
      '',
      `On/off: ${(loadRatio * 100).toFixed(1)}% (the median of the per-round ratios). Two processes on a shared 2-core machine differ by more than 3% from run`,
      'to run with identical code; read this row next to the per-request cost above, which is what revocations add.',
      '',
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (!quick) {
      const dir = new URL('./results/', import.meta.url);
      mkdirSync(dir, { recursive: true });
      writeFileSync(new URL('revocation.md', dir), report);
      process.stdout.write('Report written to bench/results/revocation.md\n');
    }
  } finally {
    for (const cleanup of stack.cleanups.reverse()) await cleanup();
  }
}
