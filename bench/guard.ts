/**
 * Token verification benchmark: `@tessera/guard` against the `node:crypto` floor, jose, hono/jwk and
 * fast-jwt, for EdDSA, ES256, RS256 and HS256. Keys and tokens are generated fresh in each run.
 * Run with `npm run bench -- guard` (a bare `npm run bench` runs it first); writes `bench/results/guard.md`.
 */

import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createHmac, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Algorithm, Verifier } from '@tessera/guard';
import { createVerifier } from '@tessera/guard';
import { b64url, generateTestKey, hmacToken, signToken, startRevocationServer } from '@tessera/guard/testing';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import { Jwt } from 'hono/utils/jwt';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { importJWK, jwtVerify } from 'jose';
import type { Contender, HarnessOptions, Measurement } from './guard-harness.ts';
import { measure } from './guard-harness.ts';
import { codeRevision, machineLines, watchMachine } from './machine.ts';

const issuer = 'http://localhost:3000';
const audience = 'tessera';
const cases = ['EdDSA', 'ES256', 'RS256', 'HS256'] as const;
type Case = (typeof cases)[number];

/** A key pair (or secret) and a realistic token, shaped like the auth service's user tokens. */
type Fixture = {
  readonly alg: Case;
  readonly token: string;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
  /** For asymmetric algs: the public key; for HS256: the secret. */
  readonly verifyKey: KeyObject | Buffer;
  readonly jwk?: JsonWebKey;
  readonly pem?: string;
};

/** The token and the two byte strings the floor works on: `header.payload` and the decoded signature. */
function splitToken(token: string): Pick<Fixture, 'token' | 'signingInput' | 'signature'> {
  const lastDot = token.lastIndexOf('.');
  return {
    token,
    signingInput: Buffer.from(token.slice(0, lastDot)),
    signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
  };
}

function makeFixture(alg: Case): Fixture {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: issuer,
    aud: audience,
    sub: 'Yx3kP0rVb8mN2qLs7TfW1aZe',
    user_id: 'Yx3kP0rVb8mN2qLs7TfW1aZe',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    sid: 'c0ffee00-1234-4cde-8f00-0123456789ab',
    iat: now,
    exp: now + 3600,
  };
  if (alg === 'HS256') {
    // An ASCII secret, so every library reads the same bytes from it (hono takes a string and UTF-8 encodes it).
    const secret = Buffer.from(randomBytes(32).toString('base64url'));
    return { alg, ...splitToken(hmacToken(secret, payload)), verifyKey: secret };
  }
  const key = generateTestKey(alg, `bench-${alg.toLowerCase()}`);
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { alg, ...splitToken(signToken(key, payload)), verifyKey: key.publicKey, jwk: key.jwk, pem };
}

/** The floor: one `node:crypto` call on bytes already split and decoded, no parsing, no claims. */
function floor(f: Fixture): () => boolean {
  const { signingInput, signature, verifyKey } = f;
  if (f.alg === 'HS256') {
    return () => timingSafeEqual(createHmac('sha256', verifyKey).update(signingInput).digest(), signature);
  }
  if (f.alg === 'EdDSA') return () => verify(null, signingInput, verifyKey as KeyObject, signature);
  if (f.alg === 'ES256') {
    const key = { key: verifyKey as KeyObject, dsaEncoding: 'ieee-p1363' as const };
    return () => verify('sha256', signingInput, key, signature);
  }
  return () => verify('sha256', signingInput, verifyKey as KeyObject, signature);
}

/** Verifiers that follow a revocation list, closed when the run ends (their long polls keep the process alive). */
const following: Verifier[] = [];

async function contendersFor(f: Fixture, revocationsUrl: string): Promise<Contender[]> {
  const algorithms = [f.alg] as Algorithm[];
  const keySource = f.alg === 'HS256' ? { secret: f.verifyKey as Buffer } : { keys: [f.jwk!] };
  const guardOff = createVerifier({ issuer, audience, algorithms, ...keySource, cache: false });
  const guardOn = createVerifier({ issuer, audience, algorithms, ...keySource });
  const revocations = { url: revocationsUrl };
  const guardOffRevoking = createVerifier({ issuer, audience, algorithms, ...keySource, cache: false, revocations });
  const guardOnRevoking = createVerifier({ issuer, audience, algorithms, ...keySource, revocations });
  following.push(guardOffRevoking, guardOnRevoking);
  await Promise.all([guardOffRevoking.revocations?.ready(), guardOnRevoking.revocations?.ready()]);
  const joseKey = f.alg === 'HS256' ? new Uint8Array(f.verifyKey as Buffer) : await importJWK(f.jwk!, f.alg);
  const fastKey = f.alg === 'HS256' ? (f.verifyKey as Buffer) : f.pem!;
  const fastOptions = { key: fastKey, algorithms: [f.alg], allowedIss: issuer, allowedAud: audience };
  const fastOff = createFastJwtVerifier({ ...fastOptions, cache: false });
  const fastOn = createFastJwtVerifier({ ...fastOptions, cache: true });
  const honoName = f.alg === 'HS256' ? 'hono/jwt verify (hono/jwk has no HS*)' : 'hono/jwk (static keys)';
  const honoVerify =
    f.alg === 'HS256'
      ? () =>
          Jwt.verify(f.token, (f.verifyKey as Buffer).toString('utf8'), { alg: 'HS256', iss: issuer, aud: audience })
      : () =>
          Jwt.verifyWithJwks(f.token, {
            keys: [f.jwk as HonoJsonWebKey],
            allowedAlgorithms: [f.alg as 'EdDSA'],
            verification: { iss: issuer, aud: audience },
          });
  const token = f.token;
  return [
    { name: 'node:crypto verify (floor)', run: floor(f), async: false },
    {
      name: 'jose jwtVerify (key in hand)',
      run: () => jwtVerify(token, joseKey, { issuer, audience, algorithms }),
      async: true,
    },
    { name: honoName, run: honoVerify, async: true },
    { name: 'fast-jwt (no cache)', run: () => fastOff(token), async: false },
    { name: 'fast-jwt (cache)', run: () => fastOn(token), async: false },
    { name: '@tessera/guard (no cache)', run: () => guardOff.verify(token), async: true },
    { name: '@tessera/guard (cache hit)', run: () => guardOn.verify(token), async: true },
    { name: '@tessera/guard (no cache, revocations on)', run: () => guardOffRevoking.verify(token), async: true },
    { name: '@tessera/guard (cache hit, revocations on)', run: () => guardOnRevoking.verify(token), async: true },
  ];
}

/** Every contender must accept the token and refuse a tampered one, or the numbers mean nothing. */
async function checkContenders(f: Fixture, contenders: readonly Contender[], revocationsUrl: string): Promise<void> {
  const [head, payload, sig] = f.token.split('.') as [string, string, string];
  const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const tampered = `${head}.${b64url({ ...forged, sub: 'someone-else' })}.${sig}`;
  for (const contender of contenders) {
    const result = await contender.run();
    if (result === false) throw new Error(`${contender.name} (${f.alg}) refused a good token`);
  }
  // The same contenders, built around the tampered token (the floor checks pre-decoded bytes, so it is skipped).
  const swapped = await contendersFor({ ...f, token: tampered }, revocationsUrl);
  for (const contender of swapped) {
    if (contender.name.includes('floor')) continue;
    let accepted = false;
    try {
      accepted = (await contender.run()) !== false;
    } catch {
      accepted = false;
    }
    if (accepted) throw new Error(`${contender.name} (${f.alg}) accepted a tampered token`);
  }
}

type CaseResult = { readonly alg: Case; readonly tokenBytes: number; readonly results: readonly Measurement[] };

function fmt(value: number, digits = 2): string {
  return value.toFixed(digits);
}

function byName(results: readonly Measurement[], prefix: string): Measurement {
  const found = results.find((m) => m.name.startsWith(prefix));
  if (!found) throw new Error(`no result for ${prefix}`);
  return found;
}

function table(result: CaseResult): string {
  const floorUs = byName(result.results, 'node:crypto').microseconds;
  const joseUs = byName(result.results, 'jose').microseconds;
  const honoUs = byName(result.results, 'hono').microseconds;
  const rows = result.results.map((m) => {
    const spread = `${fmt(Math.min(...m.samples))}–${fmt(Math.max(...m.samples))}`;
    return `| ${m.name} | ${fmt(m.microseconds)} | ${spread} | ${Math.round(m.opsPerSecond).toLocaleString('en-US')} | ${fmt(m.microseconds / floorUs)}× | ${fmt(m.microseconds / joseUs)}× | ${fmt(m.microseconds / honoUs)}× |`;
  });
  return [
    `### ${result.alg}`,
    '',
    '| contender | µs/op (median) | min–max over rounds | ops/s | vs floor | vs jose | vs hono |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

type Target = { readonly name: string; readonly pass: boolean; readonly detail: string };

function targets(all: readonly CaseResult[]): Target[] {
  const get = (alg: Case, prefix: string) => byName(all.find((r) => r.alg === alg)!.results, prefix).microseconds;
  const edRatio = get('EdDSA', '@tessera/guard (no cache)') / get('EdDSA', 'node:crypto');
  const worstHit = Math.max(...cases.map((alg) => get(alg, '@tessera/guard (cache hit)')));
  const worstRevocationHit = Math.max(
    ...cases.map(
      (alg) => get(alg, '@tessera/guard (cache hit, revocations on)') - get(alg, '@tessera/guard (cache hit)'),
    ),
  );
  const slower: string[] = [];
  for (const alg of cases) {
    for (const guard of ['@tessera/guard (no cache)', '@tessera/guard (cache hit)']) {
      for (const peer of ['jose', 'hono']) {
        if (get(alg, guard) > get(alg, peer)) slower.push(`${guard} ${alg} vs ${peer}`);
      }
    }
  }
  return [
    { name: 'uncached EdDSA ≤ 1.5× the crypto.verify floor', pass: edRatio <= 1.5, detail: `${fmt(edRatio)}×` },
    { name: 'cached hit ≤ 5 µs (worst of the four algorithms)', pass: worstHit <= 5, detail: `${fmt(worstHit)} µs` },
    {
      name: 'cached hit with revocations on within 0.2 µs of off (worst of the four algorithms)',
      pass: worstRevocationHit <= 0.2,
      detail: `${worstRevocationHit >= 0 ? '+' : ''}${fmt(worstRevocationHit, 3)} µs`,
    },
    {
      name: 'never slower than jose or hono/jwk in the same run (cache off and on, every algorithm)',
      pass: slower.length === 0,
      detail: slower.length === 0 ? 'faster in all 16 comparisons' : `slower: ${slower.join('; ')}`,
    },
  ];
}

/** Entry point used by `bench/run.ts`. `quick` (or `--quick`) runs a few short rounds as a smoke test and writes no report. */
export async function main(args: readonly string[] = []): Promise<void> {
  const quick = args.includes('--quick') || args.includes('quick');
  const harness: HarnessOptions = quick
    ? { rounds: 3, roundMs: 20, warmupMs: 30 }
    : { rounds: 15, roundMs: 60, warmupMs: 250 };
  const endWatch = watchMachine();
  const startedAt = new Date();
  const all: CaseResult[] = [];
  // A list of 1,000 revoked sessions, none of them the token's: the revocations-on rows pay for the lookup.
  const later = Math.floor(Date.now() / 1000) + 3600;
  const revocationServer = await startRevocationServer(
    Array.from({ length: 1_000 }, (_, i) => ({
      sid: `revoked-session-${i}`,
      revoked_at: later - 3600,
      expires_at: later,
    })),
  );
  for (const alg of cases) {
    const fixture = makeFixture(alg);
    const contenders = await contendersFor(fixture, revocationServer.url);
    await checkContenders(fixture, contenders, revocationServer.url);
    const results = await measure(contenders, harness);
    const result = { alg, tokenBytes: fixture.token.length, results };
    all.push(result);
    process.stdout.write(`${table(result)}\n\n`);
  }
  for (const verifier of following.splice(0)) verifier.close();
  await revocationServer.close();
  const machine = endWatch();
  const checks = targets(all);
  const report = [
    `# Guard benchmark, ${startedAt.toISOString()}`,
    '',
    `Measured on commit ${codeRevision()}. Reproduce with \`npm run bench -- guard\` from the repository root (a bare \`npm run bench\` runs this, then the HTTP benchmark).`,
    '',
    '## Machine',
    '',
    machineLines(machine),
    '',
    'The machine is shared: other processes (tests, builds) ran during this benchmark, so absolute numbers',
    'are noisy. Every contender runs interleaved in each round, so load hits them alike; the ratios are more',
    'trustworthy than the absolute figures. The min–max column shows the spread over rounds.',
    '',
    '## Method',
    '',
    `Fresh keys and a realistic token (the auth service's user-token claims, ~${all.find((r) => r.alg === 'EdDSA')?.tokenBytes} bytes for EdDSA) per algorithm.`,
    'Every contender must accept the token and refuse a tampered one before it is timed.',
    `Each contender is warmed up, calibrated to a batch of ~${harness.roundMs} ms, then measured for ${harness.rounds} interleaved rounds;`,
    'the figure is the median µs per operation. Async contenders are awaited one at a time.',
    'The floor is a single `crypto.verify` (or HMAC + `timingSafeEqual`) on bytes already split and decoded.',
    'Every guard figure includes all of its checks: size, shape, canonical base64url, alg allowlist, `crit`,',
    'key lookup by `kid` with the per-key alg, signature, `exp`/`nbf`/`iat`, `iss`, `aud`, `sub`, and the principal.',
    'The "revocations on" rows follow a list of 1,000 revoked sessions (not the token\'s) from a local HTTP server.',
    '',
    '## Results',
    '',
    ...all.map((r) => `${table(r)}\n`),
    '## Targets',
    '',
    '| target | result | measured |',
    '|---|---|---|',
    ...checks.map((t) => `| ${t.name} | ${t.pass ? 'PASS' : 'FAIL'} | ${t.detail} |`),
    '',
  ].join('\n');
  if (!quick) {
    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('guard.md', dir), report);
    process.stdout.write('Report written to bench/results/guard.md\n');
  }
  for (const t of checks) process.stdout.write(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}\n`);
}
