import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { audience, generateTestKey, issuer, nowSeconds, outcome, signToken, userClaims } from '../test/support.ts';
import { createVerifier } from './verifier.ts';

const key = generateTestKey('EdDSA');
const frozenAt = new Date('2026-06-01T12:00:00Z');

function verify(
  claims: Record<string, unknown> | string,
  options: { audience?: string | string[]; requiredClaims?: string[] } = {},
) {
  const verifier = createVerifier({
    issuer,
    audience: options.audience ?? audience,
    algorithms: ['EdDSA'],
    keys: [key.jwk],
    cache: false,
    ...(options.requiredClaims ? { requiredClaims: options.requiredClaims } : {}),
  });
  return outcome(verifier.verify(signToken(key, claims)));
}

/** Valid claims with some removed. */
function without(...names: string[]): Record<string, unknown> {
  const claims = userClaims();
  for (const name of names) delete claims[name];
  return claims;
}

describe('time claims (frozen clock, 30 s tolerance)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(frozenAt);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('requires exp', async () => {
    expect(await verify(without('exp'))).toBe('claim_invalid');
  });

  it('accepts a token expired 10 s ago, within the tolerance', async () => {
    expect(await verify(userClaims({ exp: nowSeconds() - 10 }))).toBe('ok');
  });

  it('rejects a token expired 5 minutes ago', async () => {
    expect(await verify(userClaims({ exp: nowSeconds() - 300 }))).toBe('token_expired');
  });

  it('rejects a token expired just beyond the tolerance', async () => {
    expect(await verify(userClaims({ exp: nowSeconds() - 31 }))).toBe('token_expired');
  });

  it.each([
    ['a string', JSON.stringify(String(Math.floor(frozenAt.getTime() / 1000) + 600))],
    ['null', 'null'],
    ['true', 'true'],
    ['a list', '[1]'],
  ])('rejects exp as %s', async (_what, exp) => {
    const json = JSON.stringify(userClaims()).replace(/"exp":\d+/, `"exp":${exp}`);
    expect(await verify(json)).toBe('claim_invalid');
  });

  it('rejects exp as 1e400, which JSON parses to Infinity', async () => {
    const json = JSON.stringify(userClaims()).replace(/"exp":\d+/, '"exp":1e400');
    expect(json).toContain('1e400');
    expect(await verify(json)).toBe('claim_invalid');
  });

  it('rejects nbf in the future beyond the tolerance, accepts it within', async () => {
    expect(await verify(userClaims({ nbf: nowSeconds() + 300 }))).toBe('token_not_yet_valid');
    expect(await verify(userClaims({ nbf: nowSeconds() + 10 }))).toBe('ok');
  });

  it('rejects iat in the future beyond the tolerance, accepts it within', async () => {
    expect(await verify(userClaims({ iat: nowSeconds() + 300 }))).toBe('token_not_yet_valid');
    expect(await verify(userClaims({ iat: nowSeconds() + 10 }))).toBe('ok');
  });

  it('rejects nbf and iat that are not finite numbers', async () => {
    expect(await verify(userClaims({ nbf: 'yesterday' }))).toBe('claim_invalid');
    expect(await verify(JSON.stringify(userClaims()).replace(/"iat":\d+/, '"iat":-1e400'))).toBe('claim_invalid');
  });

  it('uses the configured clock tolerance', async () => {
    const verifier = createVerifier({
      issuer,
      audience,
      algorithms: ['EdDSA'],
      keys: [key.jwk],
      clockTolerance: 0,
      cache: false,
    });
    expect(await outcome(verifier.verify(signToken(key, userClaims({ exp: nowSeconds() - 1 }))))).toBe('token_expired');
  });
});

describe('identity claims', () => {
  it('requires iss to match exactly', async () => {
    expect(await verify(userClaims({ iss: `${issuer}/` }))).toBe('issuer_mismatch');
    expect(await verify(userClaims({ iss: issuer.toUpperCase() }))).toBe('issuer_mismatch');
    expect(await verify(userClaims({ iss: [issuer] }))).toBe('issuer_mismatch');
  });

  it('rejects a missing iss', async () => {
    expect(await verify(without('iss'))).toBe('issuer_mismatch');
  });

  it('requires aud to contain ours', async () => {
    expect(await verify(userClaims({ aud: 'billing' }))).toBe('audience_mismatch');
    expect(await verify(userClaims({ aud: ['billing', 'search'] }))).toBe('audience_mismatch');
    expect(await verify(userClaims({ aud: ['billing', audience] }))).toBe('ok');
    expect(await verify(userClaims({ aud: 'billing' }), { audience: ['billing', 'tessera'] })).toBe('ok');
  });

  it('rejects a missing aud', async () => {
    expect(await verify(without('aud'))).toBe('audience_mismatch');
  });

  it('rejects an aud of the wrong type', async () => {
    expect(await verify(userClaims({ aud: 42 }))).toBe('claim_invalid');
    expect(await verify(userClaims({ aud: [audience, 42] }))).toBe('claim_invalid');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['a list', ['user-1']],
    ['null', null],
  ])('rejects a sub that is %s', async (_what, sub) => {
    const claims = sub === undefined ? without('sub', 'user_id') : userClaims({ sub, user_id: undefined });
    expect(await verify(claims)).toBe('claim_invalid');
  });

  it('enforces requiredClaims', async () => {
    expect(await verify(userClaims(), { requiredClaims: ['sid'] })).toBe('claim_invalid');
    expect(await verify(userClaims({ sid: 's-1' }), { requiredClaims: ['sid'] })).toBe('ok');
    // Absent claims whose names Object.prototype happens to carry.
    expect(await verify(userClaims(), { requiredClaims: ['constructor'] })).toBe('claim_invalid');
    expect(await verify(userClaims(), { requiredClaims: ['toString'] })).toBe('claim_invalid');
  });
});
