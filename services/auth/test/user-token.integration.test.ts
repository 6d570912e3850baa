import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAuthService } from '../src/testing.ts';
import { databaseTargets, postJson, sessionCookieOf, signIn, startOn } from './support/auth-client.ts';

const algorithms = ['EdDSA', 'ES256', 'RS256'] as const;

describe.each(databaseTargets)('user tokens on %s', (target) => {
  describe.each(algorithms)('with JWT_ALG=%s', (alg) => {
    let service: TestAuthService;

    beforeAll(async () => {
      service = await startOn(target, {
        JWT_ALG: alg,
        JWT_TTL: '10m',
        JWT_AUDIENCE: 'tasks',
        AUTH_ISSUER: 'https://issuer.example.test',
      });
    });
    afterAll(() => service?.close());

    it('issues a JWT after sign-in that verifies against the JWKS over HTTP, with the contract claims', async () => {
      const user = await service.signUp({ name: 'Ada Lovelace' });
      const signedIn = await signIn(service, user.email, user.password);
      expect(signedIn.status).toBe(200);

      const tokenResponse = await fetch(`${service.url}/api/auth/token`, {
        headers: { cookie: sessionCookieOf(signedIn) },
      });
      expect(tokenResponse.status).toBe(200);
      const { token } = (await tokenResponse.json()) as { token: string };

      const jwks = createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`));
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: 'https://issuer.example.test',
        audience: 'tasks',
        algorithms: [alg],
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(protectedHeader.kid).toEqual(expect.any(String));
      expect(payload.aud).toBe('tasks');
      expect(payload.sub).toBe(user.userId);
      expect(payload.user_id).toBe(user.userId);
      expect(payload.email).toBe(user.email);
      expect(payload.name).toBe('Ada Lovelace');
      expect(payload.sid).toEqual(expect.any(String));
      expect(payload.exp! - payload.iat!).toBe(600);
    });

    it('gives each session its own sid', async () => {
      const user = await service.signUp();
      const signedIn = await signIn(service, user.email, user.password);
      const again = await service.getJwt(signedIn.headers.get('set-auth-token') ?? '');
      const first = await jwtVerify(user.jwt, createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`)));
      const second = await jwtVerify(again, createRemoteJWKSet(new URL(`${service.url}/api/auth/jwks`)));
      expect(first.payload.sid).not.toBe(second.payload.sid);
      expect(decodeProtectedHeader(again).kid).toBe(decodeProtectedHeader(user.jwt).kid);
    });

    it('stops issuing JWTs for a session once it is signed out', async () => {
      const user = await service.signUp();
      const signedOut = await postJson(
        `${service.url}/api/auth/sign-out`,
        {},
        { authorization: `Bearer ${user.sessionToken}` },
      );
      expect(signedOut.status).toBe(200);

      const refused = await fetch(`${service.url}/api/auth/token`, {
        headers: { authorization: `Bearer ${user.sessionToken}` },
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(((await refused.json()) as { code: string }).code).toBe('unauthorized');
    });

    it('stops issuing JWTs for a session revoked from another session of the same user', async () => {
      const user = await service.signUp();
      const other = await signIn(service, user.email, user.password);
      const otherToken = other.headers.get('set-auth-token') ?? '';
      const otherSessionToken = ((await other.json()) as { token: string }).token;
      expect(await service.getJwt(otherToken)).toEqual(expect.any(String));

      const revoked = await postJson(
        `${service.url}/api/auth/revoke-session`,
        { token: otherSessionToken },
        { authorization: `Bearer ${user.sessionToken}` },
      );
      expect(revoked.status).toBe(200);

      const refused = await fetch(`${service.url}/api/auth/token`, {
        headers: { authorization: `Bearer ${otherToken}` },
      });
      expect(refused.status).toBe(401);
      // The revoking session itself is untouched.
      expect(await service.getJwt(user.sessionToken)).toEqual(expect.any(String));
    });
  });
});
