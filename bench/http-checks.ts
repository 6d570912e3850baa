/**
 * Before anything is timed: the seeded tasks go in through the tasks service's real API, and each contender
 * must answer the timed request with exactly the seeded user's first page, and refuse a bad credential.
 */
import type { TaskRow } from './docs-way-service.ts';
import type { ContenderSpec } from './http-contenders.ts';

/** How many tasks are seeded, and the page size of the timed request. */
export const seededTasks = 50;
export const pageSize = 20;

/** The timed route. */
export const listPath = `/v1/tasks?limit=${pageSize}`;

/** A running contender: where it listens and the credential its clients send. */
export type ContenderTarget = { spec: ContenderSpec; url: string; credential: string };

const seededTitle = (index: number) => `Bench task ${String(index + 1).padStart(2, '0')}`;

function bearer(credential: string): Record<string, string> {
  return { authorization: `Bearer ${credential}` };
}

/** The request headers of the timed request with a contender's credential. */
export function timedHeaders(credential: string): Record<string, string> {
  return bearer(credential);
}

/** Creates the seeded tasks through `POST /v1/tasks` at `url`, one after another so their order is known. */
export async function seedTasks(url: string, credential: string): Promise<void> {
  for (let index = 0; index < seededTasks; index += 1) {
    const response = await fetch(`${url}/v1/tasks`, {
      method: 'POST',
      headers: { ...bearer(credential), 'content-type': 'application/json' },
      body: JSON.stringify({
        title: seededTitle(index),
        description: 'Seeded by bench/http.ts',
        status: index % 3 === 0 ? 'done' : 'todo',
      }),
    });
    if (response.status !== 201) throw new Error(`seeding answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * A credential that must be refused: a JWT whose `sub` names someone else under the original signature,
 * or a session token with its first character changed (its HMAC no longer matches).
 */
function forged(target: ContenderTarget): string {
  if (target.spec.credential === 'jwt') {
    const [header, payload, signature] = target.credential.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else', user_id: 'someone-else' })).toString('base64url')}.${signature}`;
  }
  const first = target.credential[0] === 'A' ? 'B' : 'A';
  return `${first}${target.credential.slice(1)}`;
}

type TaskPage = { items: TaskRow[]; nextCursor: string | null };

/** Every seeded task, as the tasks service at `url` lists them (for the docs' way's own embedded database). */
export async function seededRows(url: string, credential: string): Promise<TaskRow[]> {
  const response = await fetch(`${url}/v1/tasks?limit=${seededTasks}`, { headers: bearer(credential) });
  if (response.status !== 200)
    throw new Error(`listing the seeded tasks answered ${response.status}: ${await response.text()}`);
  const { items } = (await response.json()) as TaskPage;
  if (items.length !== seededTasks) throw new Error(`listed ${items.length} seeded tasks, not ${seededTasks}`);
  return items;
}

/** The timed request answers 200 with the user's first page in creation order; a forged credential gets 401. */
export async function checkContender(target: ContenderTarget, userId: string): Promise<void> {
  const name = target.spec.label;
  const response = await fetch(`${target.url}${listPath}`, { headers: bearer(target.credential) });
  if (response.status !== 200)
    throw new Error(`${name}: the valid credential got ${response.status}: ${await response.text()}`);
  const page = (await response.json()) as TaskPage;
  const expected = Array.from({ length: pageSize }, (_, index) => seededTitle(index));
  const titles = page.items.map((item) => item.title);
  if (JSON.stringify(titles) !== JSON.stringify(expected)) throw new Error(`${name}: wrong page: ${titles.join(', ')}`);
  if (page.items.some((item) => item.userId !== userId)) throw new Error(`${name}: an item belongs to another user`);
  if (typeof page.nextCursor !== 'string')
    throw new Error(`${name}: no nextCursor after ${pageSize} of ${seededTasks} tasks`);

  if (!target.spec.authenticates) return;
  const refused = await fetch(`${target.url}${listPath}`, { headers: bearer(forged(target)) });
  await refused.body?.cancel();
  if (refused.status !== 401) throw new Error(`${name}: a forged credential got ${refused.status}, not 401`);
  const missing = await fetch(`${target.url}${listPath}`);
  await missing.body?.cancel();
  if (missing.status !== 401) throw new Error(`${name}: no credential got ${missing.status}, not 401`);
}

/** Polls the tasks service's `GET /readyz` (its database) until it answers 200. */
export async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz not 200 after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
