import { describe, expect, it } from 'vitest';
import { audience, generateTestKey, issuer, outcome, signToken, userClaims } from '../test/support.ts';
import { createVerifier } from './verifier.ts';

const key = generateTestKey('EdDSA');
const verifier = createVerifier({ issuer, audience, algorithms: ['EdDSA'], keys: [key.jwk], cache: false });

describe('Principal', () => {
  it('describes a user token', async () => {
    const principal = await verifier.verify(
      signToken(key, userClaims({ sub: 'u-42', user_id: 'u-42', scope: 'tasks:read  profile' })),
    );
    expect(principal).toMatchObject({ kind: 'user', subject: 'u-42', userId: 'u-42' });
    expect(principal.clientId).toBeUndefined();
    expect([...principal.scopes].sort()).toEqual(['profile', 'tasks:read']);
    expect(principal.claims.sub).toBe('u-42');
  });

  it('describes a service token: sub client:<id>, scopes from scope', async () => {
    const claims = userClaims({
      sub: 'client:reporting',
      user_id: undefined,
      client_id: 'reporting',
      scope: 'tasks:read tasks:write',
    });
    const principal = await verifier.verify(signToken(key, claims));
    expect(principal).toMatchObject({ kind: 'service', subject: 'client:reporting', clientId: 'reporting' });
    expect(principal.userId).toBeUndefined();
    expect(principal.scopes).toEqual(new Set(['tasks:read', 'tasks:write']));
  });

  it('has no scopes when the token has no scope claim', async () => {
    expect((await verifier.verify(signToken(key))).scopes.size).toBe(0);
  });

  it('rejects a scope claim that is not a string', async () => {
    expect(await outcome(verifier.verify(signToken(key, userClaims({ scope: ['admin'] }))))).toBe('claim_invalid');
  });

  it('rejects a service token that names no client, or two', async () => {
    expect(await outcome(verifier.verify(signToken(key, userClaims({ sub: 'client:', user_id: undefined }))))).toBe(
      'claim_invalid',
    );
    const twoClients = userClaims({ sub: 'client:a', user_id: undefined, client_id: 'b' });
    expect(await outcome(verifier.verify(signToken(key, twoClients)))).toBe('claim_invalid');
  });

  it('rejects a user_id that disagrees with sub', async () => {
    expect(await outcome(verifier.verify(signToken(key, userClaims({ sub: 'u-1', user_id: 'u-2' }))))).toBe(
      'claim_invalid',
    );
  });

  it('is immutable, claims included', async () => {
    const principal = await verifier.verify(signToken(key, userClaims({ roles: ['a'] })));
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.claims)).toBe(true);
    expect(Object.isFrozen(principal.claims.roles)).toBe(true);
  });
});
