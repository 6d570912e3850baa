import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from './errors.ts';
import { timeToken } from './token-times.ts';

/** An unsigned JWT with these claims: only the times matter here. */
const jwt = (claims: Record<string, number>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

const ISSUED = 1_800_000_000; // the issuer's clock, in seconds
const MINUTE = 60_000;

describe('timeToken', () => {
  it.each([
    ['in step with the issuer', 0],
    ['ten minutes fast', 10 * MINUTE],
    ['ten minutes slow', -10 * MINUTE],
  ])('times a 15-minute token on a caller clock %s: expires in 15 minutes, refresh due a minute before', (_, skew) => {
    const receivedAt = ISSUED * 1000 + skew;
    const timed = timeToken(jwt({ iat: ISSUED, exp: ISSUED + 900 }), receivedAt, MINUTE);
    expect(timed.expiresAt - receivedAt).toBe(15 * MINUTE);
    expect(timed.refreshAt - receivedAt).toBe(14 * MINUTE);
  });

  it('caps the margin at half the lifetime, so a short token is not refreshed on every call', () => {
    const timed = timeToken(jwt({ iat: ISSUED, exp: ISSUED + 4 }), ISSUED * 1000, MINUTE);
    expect(timed.refreshAt - ISSUED * 1000).toBe(2_000);
  });

  it('falls back to expires_in for a token that is not a JWT', () => {
    expect(timeToken('opaque', 1_000, MINUTE, 300).expiresAt).toBe(301_000);
  });

  it.each([
    ['not a JWT', 'opaque'],
    ['a JWT without exp', jwt({ iat: ISSUED })],
    ['a JWT that expires when issued', jwt({ iat: ISSUED, exp: ISSUED })],
  ])('refuses %s', (_, token) => {
    expect(() => timeToken(token, ISSUED * 1000, MINUTE)).toThrow(InvalidResponseError);
  });
});
