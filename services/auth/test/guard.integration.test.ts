/**
 * Tokens from the real auth service (real HTTP, real Better Auth, PGlite) verified by @tessera/guard, the way
 * every resource service verifies them: JWKS mode with each signing algorithm, shared-secret mode, and
 * client-credentials (service) tokens in both.
 */
import { randomBytes } from 'node:crypto';
import type { Algorithm, GuardVariables, Verifier, VerifierOptions } from '@tessera/guard';
import { bearerAuth, createVerifier } from '@tessera/guard';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService, TestClient } from '../src/testing.ts';
import { startTestAuthService } from '../src/testing.ts';

/** A service token from the client-credentials grant (RFC 6749 §4.4), over real HTTP. */
async function serviceToken(auth: TestAuthService, client: TestClient, scope: string): Promise<string> {
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
  ).toString('base64');
  const answer = await fetch(`${auth.url}/api/auth/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  expect(answer.status, await answer.clone().text()).toBe(200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** A verifier configured the way a resource service configures one, from the auth service's settings. */
function verifierFor(
  auth: TestAuthService,
  keySource: Pick<VerifierOptions, 'jwks' | 'secret' | 'algorithms'>,
): Verifier {
  return createVerifier({ issuer: auth.config.issuer, audience: auth.config.audience, ...keySource });
}

const algorithms: Algorithm[] = ['EdDSA', 'ES256', 'RS256'];

describe.each(algorithms)('guard against the auth service, JWKS mode, %s', (alg) => {
  let auth: TestAuthService;
  let verifier: Verifier;

  beforeAll(async () => {
    auth = await startTestAuthService({ JWT_ALG: alg });
    verifier = verifierFor(auth, { algorithms: [alg], jwks: { url: `${auth.url}/api/auth/jwks` } });
    // Like a resource service's readiness check. It also settles the key set before the first token is signed:
    // Better Auth creates its first key lazily, and a JWKS read racing the first signature can make two keys.
    await verifier.ready();
  });
  afterAll(async () => {
    verifier?.close();
    await auth?.close();
  });

  it('verifies a user token and yields a user principal', async () => {
    const user = await auth.signUp({ name: 'Ada' });
    const principal = await verifier.verify(user.jwt);
    expect(principal.kind).toBe('user');
    expect(principal.subject).toBe(user.userId);
    expect(principal.userId).toBe(user.userId);
    expect(principal.clientId).toBeUndefined();
    expect(principal.claims).toMatchObject({ iss: auth.config.issuer, email: user.email, user_id: user.userId });
  });

  it('verifies a client-credentials token and yields a service principal with its scopes', async () => {
    const client = await auth.createClient({ scopes: ['tasks:read', 'tasks:write'] });
    const principal = await verifier.verify(await serviceToken(auth, client, 'tasks:read'));
    expect(principal.kind).toBe('service');
    expect(principal.subject).toBe(`client:${client.clientId}`);
    expect(principal.clientId).toBe(client.clientId);
    expect(principal.userId).toBeUndefined();
    expect([...principal.scopes]).toEqual(['tasks:read']);
  });

  it('refuses the same token for another audience or issuer', async () => {
    const { jwt } = await auth.signUp();
    const jwks = { url: `${auth.url}/api/auth/jwks` };
    const otherAudience = createVerifier({ issuer: auth.config.issuer, audience: 'billing', algorithms: [alg], jwks });
    const otherIssuer = createVerifier({
      issuer: 'https://evil.example',
      audience: auth.config.audience,
      algorithms: [alg],
      jwks,
    });
    try {
      await expect(otherAudience.verify(jwt)).rejects.toMatchObject({ code: 'audience_mismatch' });
      await expect(otherIssuer.verify(jwt)).rejects.toMatchObject({ code: 'issuer_mismatch' });
    } finally {
      otherAudience.close();
      otherIssuer.close();
    }
  });
});

describe('guard against the auth service, JWKS mode, through bearerAuth', () => {
  let auth: TestAuthService;
  let verifier: Verifier;

  beforeAll(async () => {
    auth = await startTestAuthService();
    verifier = verifierFor(auth, { algorithms: ['EdDSA'], jwks: { url: `${auth.url}/api/auth/jwks` } });
    await verifier.ready();
  });
  afterAll(async () => {
    verifier?.close();
    await auth?.close();
  });

  it('admits a real user token and rejects a tampered one', async () => {
    const app = new Hono<{ Variables: GuardVariables }>();
    app.use('*', bearerAuth({ verifier }));
    app.get('/me', (c) => c.json({ subject: c.var.principal.subject, kind: c.var.principal.kind }));
    const user = await auth.signUp();
    const ok = await app.request('/me', { headers: { Authorization: `Bearer ${user.jwt}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: user.userId, kind: 'user' });

    const [head, , sig] = user.jwt.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'someone-else' })).toString('base64url');
    const forged = await app.request('/me', { headers: { Authorization: `Bearer ${head}.${forgedPayload}.${sig}` } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'invalid_token', reason: 'signature_invalid' });
  });
});

describe('guard against the auth service, shared-secret mode', () => {
  const jwtSecret = randomBytes(32).toString('base64url');
  let auth: TestAuthService;
  let verifier: Verifier;

  beforeAll(async () => {
    auth = await startTestAuthService({ JWT_MODE: 'secret', JWT_SECRET: jwtSecret });
    verifier = verifierFor(auth, { secret: jwtSecret });
  });
  afterAll(async () => {
    verifier?.close();
    await auth?.close();
  });

  it('verifies an HS256 user token', async () => {
    const user = await auth.signUp();
    expect(JSON.parse(Buffer.from(user.jwt.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    const principal = await verifier.verify(user.jwt);
    expect(principal).toMatchObject({ kind: 'user', subject: user.userId, userId: user.userId });
  });

  it('verifies an HS256 client-credentials token', async () => {
    const client = await auth.createClient({ scopes: ['tasks:read'] });
    const principal = await verifier.verify(await serviceToken(auth, client, 'tasks:read'));
    expect(principal).toMatchObject({
      kind: 'service',
      subject: `client:${client.clientId}`,
      clientId: client.clientId,
    });
    expect(principal.scopes.has('tasks:read')).toBe(true);
  });

  it('refuses the tokens with any other secret', async () => {
    const user = await auth.signUp();
    const wrong = verifierFor(auth, { secret: randomBytes(32).toString('base64url') });
    try {
      await expect(wrong.verify(user.jwt)).rejects.toMatchObject({ code: 'signature_invalid' });
    } finally {
      wrong.close();
    }
  });
});
