import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeFetch, type TestAuthService } from '../src/testing.ts';
import { signIn, startOn, uniqueEmail } from './support/auth-client.ts';

/** NODE_ENV=production as the service sees it (real secrets, rate limiting on), over real HTTP. */
describe('rate limiting in production', () => {
  let service: TestAuthService;

  beforeAll(async () => {
    service = await startOn('memory://', {
      NODE_ENV: 'production',
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    });
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
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(last?.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last?.json()) as { code: string }).code).toBe('rate_limited');
  });

  it('does not let a client pick a new bucket with X-Forwarded-For (TRUSTED_PROXY_IP_HEADER is unset)', async () => {
    const statuses: number[] = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      const answer = await nativeFetch(`${service.url}/api/auth/sign-up/email`, {
        method: 'POST',
        // Both the usual proxy header and the service's internal one are spoofed; neither may count.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address, 'x-tessera-client-ip': address },
        body: JSON.stringify({ email: uniqueEmail(), password: 'short', name: 'x' }),
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
