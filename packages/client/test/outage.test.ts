import { randomUUID } from 'node:crypto';
import type { TestAuthService } from '@tessera/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NativeSession, nativeSession, TokenUnavailableError } from '../src/index.ts';
import { countingFetch, memoryStorage, startAuth } from './support/auth.ts';

const TOKEN = '/api/auth/token';
const MINUTE = 60_000;

describe('a native session while the auth service is down', () => {
  let auth: TestAuthService;
  let session: NativeSession;
  let first: string;
  // The caller's clock stands still unless a test moves it: backoff delays are measured on it, not on real time.
  const start = Date.now();
  let skip = 0;
  const counter = countingFetch();

  beforeAll(async () => {
    auth = await startAuth(); // 15-minute tokens
    session = nativeSession({
      authUrl: auth.url,
      storage: memoryStorage(),
      fetch: counter.fetch,
      retryDelay: 100,
      retries: 2,
      now: () => start + skip,
    });
    await session.signUp({
      name: 'Offline',
      email: `offline-${randomUUID()}@example.test`,
      password: `pw-${randomUUID()}`,
    });
    first = await session.token();
    await auth.close(); // connections are refused from now on
  });
  afterAll(() => auth?.close());

  it('keeps serving the still-valid token when a due refresh fails', async () => {
    skip = 14.5 * MINUTE; // past the one-minute margin, before expiry
    expect(await session.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(2);
  });

  it('backs off: no new attempt until the delay has passed, then one attempt, still serving the token', async () => {
    expect(await session.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(2);
    skip += 150;
    expect(await session.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(3);
  });

  it('stops serving it at expiry: retries with backoff, then rejects with token_unavailable', async () => {
    skip = 15 * MINUTE + 1_000;
    const error = await session.token().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenUnavailableError);
    expect(error).toMatchObject({ code: 'token_unavailable' });
    expect(counter.count(TOKEN)).toBe(3 + 3); // the first attempt and two retries
  });
});
