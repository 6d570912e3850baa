import { randomUUID } from 'node:crypto';
import type { TestAuthService } from '@tessera/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeSession, RequestFailedError, SignedOutError, type SignedOutListener } from '../src/index.ts';
import { nativeFetch } from '../src/node/index.ts';
import { claimsOf, countingFetch, memoryStorage, sleep, startAuth } from './support/auth.ts';

const TOKEN = '/api/auth/token';
const MINUTES_10 = 10 * 60_000;
const newAccount = () => ({
  name: 'Native User',
  email: `native-${randomUUID()}@example.test`,
  password: `pw-${randomUUID()}`,
});

// The client only speaks HTTP: which database the auth service keeps its sessions in changes nothing here, so
// these run on PGlite only (the CLI's end-to-end tests also run on Postgres).
describe('nativeSession against the real auth service', () => {
  let auth: TestAuthService;
  beforeAll(async () => {
    // Two-second tokens: a refresh is due after one second (the margin is at most half the lifetime).
    auth = await startAuth('memory://', { JWT_TTL: '2s' });
  });
  afterAll(() => auth?.close());

  /** A fresh account signed up through a native session, with its storage and request counter. */
  async function signedUp(now?: () => number) {
    const storage = memoryStorage();
    const counter = countingFetch();
    const session = nativeSession({ authUrl: auth.url, storage, fetch: counter.fetch, ...(now ? { now } : {}) });
    const user = await session.signUp(newAccount());
    return { session, storage, counter, user };
  }

  it('signs up, stores the session token and gets a JWT for the user', async () => {
    const { session, storage, user } = await signedUp();
    expect(storage.value).toMatch(/^[^.]+\..+$/); // Better Auth's signed session token
    const claims = claimsOf(await session.token());
    expect(claims).toMatchObject({ sub: user.id, user_id: user.id, iss: auth.url });
  });

  it('signs in as an existing user, without cookies or Origin', async () => {
    const account = newAccount();
    await nativeSession({ authUrl: auth.url, storage: memoryStorage(), fetch: nativeFetch }).signUp(account);
    const storage = memoryStorage();
    const session = nativeSession({ authUrl: auth.url, storage, fetch: nativeFetch });
    const user = await session.signIn({ email: account.email, password: account.password });
    expect(user.email).toBe(account.email);
    expect(claimsOf(await session.token()).sub).toBe(user.id);
  });

  it('refuses a wrong password with the server code and a readable message, storing nothing', async () => {
    const account = newAccount();
    await nativeSession({ authUrl: auth.url, storage: memoryStorage(), fetch: nativeFetch }).signUp(account);
    const storage = memoryStorage();
    const error = await nativeSession({ authUrl: auth.url, storage, fetch: nativeFetch })
      .signIn({ email: account.email, password: 'not-the-password' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestFailedError);
    expect(error).toMatchObject({ code: 'request_failed', status: 401, problemCode: 'invalid_email_or_password' });
    expect((error as Error).message).toMatch(/invalid email or password/i);
    expect(storage.value).toBeUndefined();
  });

  it('shares one /token call among 100 concurrent token() calls', async () => {
    const { session, counter } = await signedUp();
    const before = counter.count(TOKEN);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => session.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(counter.count(TOKEN) - before).toBe(1);
  });

  it('serves the cached token until the refresh margin, then fetches a new one across expiry', async () => {
    const { session, counter } = await signedUp();
    const first = await session.token();
    expect(await session.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(1);
    await sleep(2_100); // the first token has expired at the issuer
    const second = await session.token();
    expect(second).not.toBe(first);
    expect(claimsOf(second).exp as number).toBeGreaterThan(claimsOf(first).exp as number);
    expect(counter.count(TOKEN)).toBe(2);
  });

  it('with a caller clock ten minutes fast, keeps serving a fresh token instead of refreshing on every call', async () => {
    const { session, counter } = await signedUp(() => Date.now() + MINUTES_10);
    const first = await session.token();
    for (let call = 0; call < 20; call++) expect(await session.token()).toBe(first);
    expect(counter.count(TOKEN)).toBe(1);
  });

  it('with a caller clock ten minutes slow, still refreshes when the token really expires', async () => {
    const { session, counter } = await signedUp(() => Date.now() - MINUTES_10);
    const first = await session.token();
    await sleep(2_100);
    expect(await session.token()).not.toBe(first);
    expect(counter.count(TOKEN)).toBe(2);
  });

  it('treats a session revoked elsewhere as signed out: clears storage, tells listeners, rejects with signed_out', async () => {
    const { session, storage } = await signedUp();
    await session.token();
    const sessionToken = storage.value ?? '';
    // Signed out from another device holding the same session.
    const signOut = await nativeFetch(`${auth.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(signOut.status).toBe(200);
    const heard: SignedOutError[] = [];
    session.onSignedOut(((error) => heard.push(error)) satisfies SignedOutListener);
    session.clear();
    const error = await session.token().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignedOutError);
    expect(error).toMatchObject({ code: 'signed_out' });
    expect(storage.value).toBeUndefined();
    expect(heard).toHaveLength(1);
    expect(await session.token().catch((caught: unknown) => (caught as SignedOutError).code)).toBe('signed_out');
  });

  it('signs out at the auth service and deletes the stored session', async () => {
    const { session, storage } = await signedUp();
    const sessionToken = storage.value ?? '';
    await session.signOut();
    expect(storage.value).toBeUndefined();
    const afterwards = await nativeFetch(`${auth.url}${TOKEN}`, {
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect(afterwards.status).toBe(401);
    await expect(session.token()).rejects.toBeInstanceOf(SignedOutError);
  });
});
