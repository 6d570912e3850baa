import { type Database, openDatabase } from '@tessera/db';
import { createTestDatabase, type TestDatabase, testDatabaseTargets } from '@tessera/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import * as schema from '../db/schema.ts';
import { createOAuthClientStore, OAuthClientInputError, type OAuthClientStore } from './client-store.ts';
import { oauthClient } from './schema.ts';
import { hashClientSecret } from './secret-hash.ts';

describe.each(testDatabaseTargets())('OAuth client store on %s', (target) => {
  let database: Database<typeof schema>;
  let testDatabase: TestDatabase | undefined;
  let store: OAuthClientStore;

  beforeAll(async () => {
    testDatabase = target === 'postgres' ? await createTestDatabase() : undefined;
    database = await openDatabase({ url: testDatabase?.url ?? 'memory://', dataDir: '', name: 'auth', schema });
    await database.migrate(MIGRATIONS_FOLDER);
    store = createOAuthClientStore(database.db);
  });

  afterAll(async () => {
    await database.close();
    await testDatabase?.drop();
  });

  async function storedRow(clientId: string) {
    const [row] = await database.db.select().from(oauthClient).where(eq(oauthClient.clientId, clientId));
    if (row === undefined) throw new Error(`no row for ${clientId}`);
    return row;
  }

  it('stores only the SHA-256 of a 256-bit random secret', async () => {
    const { clientId, clientSecret } = await store.create({ name: 'billing-worker', scopes: ['tasks:read'] });
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await storedRow(clientId);
    expect(row.secretHash).toBe(hashClientSecret(clientSecret));
    expect(row.secretHash).not.toContain(clientSecret);
    expect(JSON.stringify(row)).not.toContain(clientSecret);
  });

  it('gives every client a different id and secret', async () => {
    const first = await store.create({ name: 'a', scopes: ['s'] });
    const second = await store.create({ name: 'a', scopes: ['s'] });
    expect(first.clientId).not.toBe(second.clientId);
    expect(first.clientSecret).not.toBe(second.clientSecret);
  });

  it('verifies the right secret and refuses a wrong one, an unknown id and garbage ids alike', async () => {
    const { clientId, clientSecret } = await store.create({
      name: 'v',
      scopes: ['tasks:read', 'tasks:write'],
      audiences: ['tasks'],
    });
    expect(await store.verify(clientId, clientSecret)).toMatchObject({
      clientId,
      name: 'v',
      scopes: ['tasks:read', 'tasks:write'],
      audiences: ['tasks'],
    });
    expect(await store.verify(clientId, `${clientSecret}x`)).toBeUndefined();
    expect(await store.verify('0'.repeat(32), clientSecret)).toBeUndefined();
    // Would be a database error (NUL byte, invalid UTF-8) if it reached the query.
    expect(await store.verify('bad\u0000id', clientSecret)).toBeUndefined();
    expect(await store.verify('\uD800', clientSecret)).toBeUndefined();
    expect(await store.verify('x'.repeat(10_000), clientSecret)).toBeUndefined();
  });

  it('refuses a revoked client, keeps the first revocation time, and lists it as revoked', async () => {
    const { clientId, clientSecret } = await store.create({ name: 'r', scopes: ['s'] });
    const revoked = await store.revoke(clientId);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(await store.verify(clientId, clientSecret)).toBeUndefined();
    expect((await store.revoke(clientId))?.revokedAt).toEqual(revoked?.revokedAt);
    expect((await store.list()).find((client) => client.clientId === clientId)?.revokedAt).toEqual(revoked?.revokedAt);
    expect(await store.revoke('no-such-client')).toBeUndefined();
  });

  it('lists clients without their secret hash', async () => {
    const listed = await store.list();
    expect(listed.length).toBeGreaterThan(0);
    for (const client of listed) {
      expect(Object.keys(client).sort()).toEqual(['audiences', 'clientId', 'createdAt', 'name', 'revokedAt', 'scopes']);
    }
  });

  it.each([
    ['an empty name', { name: '  ', scopes: ['s'] }],
    ['no scopes', { name: 'n', scopes: [] }],
    ['a scope with a space', { name: 'n', scopes: ['a b'] }],
    ['a scope with a quote', { name: 'n', scopes: ['a"b'] }],
    ['an empty audience list', { name: 'n', scopes: ['s'], audiences: [] }],
    ['an audience with a comma', { name: 'n', scopes: ['s'], audiences: ['a,b'] }],
  ])('refuses to create a client with %s (invalid_client_metadata)', async (_, input) => {
    const error = await store.create(input).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OAuthClientInputError);
    expect((error as OAuthClientInputError).code).toBe('invalid_client_metadata');
  });
});
