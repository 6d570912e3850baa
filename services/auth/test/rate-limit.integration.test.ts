import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../src/db/schema.ts';
import { nativeFetch, type TestAuthService } from '../src/testing.ts';
import { postJson, signIn, startOn, uniqueEmail } from './support/auth-client.ts';

/** NODE_ENV=production as the service sees it: real secrets, rate limiting on, no localhost IP fallback. */
const production = () => ({ NODE_ENV: 'production', BETTER_AUTH_SECRET: randomBytes(32).toString('base64url') });

function signUp(
  service: TestAuthService,
  headers: Record<string, string>,
  password = 'password-123',
): Promise<Response> {
  return nativeFetch(`${service.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email: uniqueEmail(), password, name: 'x' }),
  });
}

async function sessionAddress(service: TestAuthService, response: Response): Promise<string | null | undefined> {
  const { user } = (await response.json()) as { user: { id: string } };
  const [row] = await service.service.database.db.select().from(session).where(eq(session.userId, user.id));
  return row?.ipAddress;
}

describe('rate limiting in production', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', production());
  });
  afterAll(() => service?.close());

  it('answers 429 problem+json with Retry-After after repeated failed sign-ins', async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      last = await signIn(service, email, 'wrong-password-1');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last?.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last?.json()) as { code: string }).code).toBe('rate_limited');
  });

  it('records the TCP peer address on the session, not X-Forwarded-For (TRUSTED_PROXY_IP_HEADER is unset)', async () => {
    const answer = await signUp(service, { 'x-forwarded-for': '203.0.113.7' });
    expect(answer.status).toBe(200);
    expect(await sessionAddress(service, answer)).toBe('127.0.0.1');
  });

  it('keeps counting one client whatever X-Forwarded-For or the internal client-IP header it sends', async () => {
    const statuses: number[] = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      const answer = await signUp(service, { 'x-forwarded-for': address, 'x-tessera-client-ip': address }, 'short');
      statuses.push(answer.status);
    }
    // Sign-up allows 3 per 10 s per client; fresh addresses would each have been allowed.
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 429).every((status) => status === 400)).toBe(true);
  });
});

describe('rate limiting behind a proxy (TRUSTED_PROXY_IP_HEADER=x-forwarded-for)', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', { ...production(), TRUSTED_PROXY_IP_HEADER: 'x-forwarded-for' });
  });
  afterAll(() => service?.close());

  it('counts each address the proxy appended separately', async () => {
    const email = uniqueEmail();
    const spread: number[] = [];
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      spread.push((await signIn(service, email, 'wrong-password-1', { 'x-forwarded-for': address })).status);
    }
    expect(spread).toEqual([401, 401, 401, 401]);
  });

  it('ignores what the client put left of the proxy-appended address', async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    for (const forged of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      statuses.push(
        (await signIn(service, email, 'wrong-password-1', { 'x-forwarded-for': `${forged}, 192.0.2.9` })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('records the proxy-appended address on the session', async () => {
    const answer = await signUp(service, { 'x-forwarded-for': '198.51.100.99, 203.0.113.5' });
    expect(answer.status).toBe(200);
    expect(await sessionAddress(service, answer)).toBe('203.0.113.5');
  });
});

describe('rate limiting of password checks in production', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', production());
  });
  afterAll(() => service?.close());

  it('limits POST /api/auth/verify-password as tightly as sign-in: 3 guesses per 10 s', async () => {
    const user = await service.signUp();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      last = await postJson(
        `${service.url}/api/auth/verify-password`,
        { password: `wrong-guess-${attempt}` },
        { authorization: `Bearer ${user.sessionToken}` },
      );
      statuses.push(last.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    expect(((await last?.json()) as { code: string }).code).toBe('rate_limited');
  });
});
