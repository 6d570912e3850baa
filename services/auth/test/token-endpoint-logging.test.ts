import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthService, createAuthService } from '../src/app.ts';
import { createOAuthClientStore } from '../src/client-credentials/index.ts';
import { loadAuthConfig } from '../src/config.ts';

/** What the token endpoint writes to the service log when client authentication fails. */
describe('token endpoint logs', () => {
  let lines: string[];
  let service: AuthService;

  beforeAll(async () => {
    lines = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const config = loadAuthConfig({
      NODE_ENV: 'test',
      AUTH_DATABASE_URL: 'memory://',
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    });
    service = await createAuthService(config, {
      logger: createLogger({ service: 'auth', level: 'info', destination }),
    });
  });
  afterAll(() => service?.close());

  function tokenRequest(clientId: string, clientSecret: string): Promise<Response> {
    return Promise.resolve(
      service.app.request('/api/auth/oauth2/token', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      }),
    );
  }

  it('names a client id of the issued shape on a failed authentication', async () => {
    const { clientId } = await createOAuthClientStore(service.database.db).create({
      name: 'logged',
      scopes: ['tasks:read'],
    });
    expect((await tokenRequest(clientId, 'wrong-secret')).status).toBe(401);
    expect(lines.find((line) => line.includes('client authentication failed'))).toContain(clientId);
  });

  it('never logs what a caller put in the id slot when it is not a client id (a swapped secret, say)', async () => {
    const { clientId, clientSecret } = await createOAuthClientStore(service.database.db).create({
      name: 'swapped',
      scopes: ['tasks:read'],
    });
    lines.length = 0;
    expect((await tokenRequest(clientSecret, clientId)).status).toBe(401);
    const logged = lines.join('');
    expect(logged).toContain('client authentication failed');
    expect(logged).not.toContain(clientSecret);
  });
});
