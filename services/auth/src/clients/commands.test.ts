import { type Database, openDatabase } from '@tessera/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthClientStore, type OAuthClientStore } from '../client-credentials/index.ts';
import { MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import * as schema from '../db/schema.ts';
import { runClientsCommand } from './commands.ts';

describe('clients commands', () => {
  let database: Database<typeof schema>;
  let store: OAuthClientStore;
  let storeOpened = 0;

  beforeAll(async () => {
    database = await openDatabase({ url: 'memory://', dataDir: '', name: 'auth', schema });
    await database.migrate(MIGRATIONS_FOLDER);
    store = createOAuthClientStore(database.db);
  });

  afterAll(() => database.close());

  async function run(...argv: string[]) {
    let out = '';
    let err = '';
    const code = await runClientsCommand(
      argv,
      async () => {
        storeOpened += 1;
        return store;
      },
      { out: (text) => (out += text), err: (text) => (err += text) },
    );
    return { code, out, err };
  }

  it('creates a client and prints its id and secret once, with a warning', async () => {
    const { code, out } = await run(
      'create',
      'billing-worker',
      '--scopes',
      'tasks:read, tasks:write',
      '--audiences',
      'tasks',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/client_id: +[0-9a-f]{32}\n/);
    expect(out).toMatch(/client_secret: +[A-Za-z0-9_-]{43}\n/);
    expect(out).toContain('scopes:        tasks:read tasks:write');
    expect(out).toContain('audiences:     tasks');
    expect(out).toContain('will not be shown again');
  });

  it('prints JSON with --json, and list never shows a secret', async () => {
    const created = JSON.parse((await run('create', 'json-client', '--scopes', 'a', '--json')).out) as Record<
      string,
      unknown
    >;
    expect(created).toMatchObject({ name: 'json-client', scopes: ['a'], audiences: null, revoked_at: null });
    expect(created.client_secret).toEqual(expect.any(String));

    const listed = await run('list');
    expect(listed.out).toContain(String(created.client_id));
    expect(listed.out).not.toContain(String(created.client_secret));
    const listedJson = JSON.parse((await run('list', '--json')).out) as Record<string, unknown>[];
    expect(listedJson.find((client) => client.client_id === created.client_id)).not.toHaveProperty('client_secret');
  });

  it('revokes a client, and says so when there is no such client', async () => {
    const { clientId } = await store.create({ name: 'to-revoke', scopes: ['a'] });
    const revoked = await run('revoke', clientId);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked client ${clientId}`);
    expect((await run('list')).out).toMatch(new RegExp(`${clientId} .* revoked `));

    const unknown = await run('revoke', 'no-such-client');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no client with client_id "no-such-client"');
  });

  it('refuses invalid client metadata with exit code 1', async () => {
    const { code, err } = await run('create', 'bad', '--scopes', 'a"b');
    expect(code).toBe(1);
    expect(err).toContain('not a valid scope token');
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['create']],
    [['create', 'name']],
    [['create', 'two', 'words', '--scopes', 'a']],
    [['create', 'name', '--scopes']],
    [['create', 'name', '--scopes', 'a', '--colour', 'red']],
    [['list', 'extra']],
    [['revoke']],
    [['revoke', 'a', 'b']],
  ])('answers bad usage %j with the usage text and exit code 2, without opening the database', async (argv) => {
    const before = storeOpened;
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(/^error: /);
    expect(err).toContain('Usage: npm run clients');
    expect(storeOpened).toBe(before);
  });

  it('prints the usage for help', async () => {
    const { code, out } = await run('help');
    expect(code).toBe(0);
    expect(out).toContain('create <name> --scopes a,b');
  });
});
