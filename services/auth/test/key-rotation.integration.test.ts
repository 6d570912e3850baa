import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { startOn } from './support/auth-client.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Rotation every hour, retired keys published for two more hours; the clock is frozen and moved by hand. */
describe('signing key rotation', () => {
  let service: TestAuthService;
  const start = new Date('2030-01-01T00:00:00Z');

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    service = await startOn('memory://', { JWT_ROTATION_INTERVAL: '1h', JWT_GRACE_PERIOD: '2h', JWT_TTL: '15m' });
  });
  afterAll(async () => {
    await service?.close();
    vi.useRealTimers();
  });

  async function fetchJwks(): Promise<JSONWebKeySet> {
    return (await (await fetch(`${service.url}/api/auth/jwks`)).json()) as JSONWebKeySet;
  }
  const kids = (jwks: JSONWebKeySet) => jwks.keys.map((key) => key.kid);

  it('signs with a new kid after the interval and keeps the old key for the grace period only', async () => {
    const user = await service.signUp();
    const firstKid = decodeProtectedHeader(user.jwt).kid;
    expect(kids(await fetchJwks())).toEqual([firstKid]);

    vi.setSystemTime(start.getTime() + HOUR + MINUTE);
    const rotatedJwt = await service.getJwt(user.sessionToken);
    const secondKid = decodeProtectedHeader(rotatedJwt).kid;
    expect(secondKid).not.toBe(firstKid);

    const duringGrace = await fetchJwks();
    expect(kids(duringGrace).sort()).toEqual([firstKid, secondKid].sort());
    // A token signed by the retired key still verifies while its key is published.
    await expect(
      jwtVerify(user.jwt, createLocalJWKSet(duringGrace), { currentDate: new Date(start.getTime() + 10 * MINUTE) }),
    ).resolves.toBeDefined();

    // The first key expired at +1h; at +1h + 2h grace (+1 minute) it is gone, the second (expired at +2h01) stays.
    vi.setSystemTime(start.getTime() + 3 * HOUR + MINUTE);
    const afterGrace = await fetchJwks();
    expect(kids(afterGrace)).not.toContain(firstKid);
    expect(kids(afterGrace)).toContain(secondKid);
  });
});
