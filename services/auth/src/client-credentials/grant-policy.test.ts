import { describe, expect, it } from 'vitest';
import { TokenEndpointError } from './error-codes.ts';
import { grantAudiences, grantScopes, isScopeToken } from './grant-policy.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof TokenEndpointError ? error.code : 'not a TokenEndpointError';
  }
}

describe('grantScopes', () => {
  const allowed = ['tasks:read', 'tasks:write'];

  it('grants every allowed scope when none was requested', () => {
    expect(grantScopes(undefined, allowed)).toEqual(allowed);
  });

  it('grants exactly the requested subset', () => {
    expect(grantScopes(['tasks:write'], allowed)).toEqual(['tasks:write']);
  });

  it('refuses a scope the client was not given with invalid_scope', () => {
    expect(codeOf(() => grantScopes(['tasks:read', 'admin'], allowed))).toBe('invalid_scope');
  });
});

describe('grantAudiences', () => {
  const service = { allowedAudiences: ['tessera', 'tasks'], defaultAudience: ['tessera'] };

  it('uses the default audience when nothing is requested and the client has no list', () => {
    expect(grantAudiences(undefined, null, service)).toEqual(['tessera']);
  });

  it("uses the client's own list when nothing is requested", () => {
    expect(grantAudiences(undefined, ['billing'], service)).toEqual(['billing']);
  });

  it('grants a requested audience within the allowed ones', () => {
    expect(grantAudiences(['tasks'], null, service)).toEqual(['tasks']);
    expect(grantAudiences(['billing'], ['billing', 'ledger'], service)).toEqual(['billing']);
  });

  it('refuses an audience outside the allowed ones with invalid_target (RFC 8707)', () => {
    expect(codeOf(() => grantAudiences(['billing'], null, service))).toBe('invalid_target');
    expect(codeOf(() => grantAudiences(['tasks'], ['billing'], service))).toBe('invalid_target');
  });
});

describe('isScopeToken', () => {
  it('follows RFC 6749 §3.3', () => {
    expect(isScopeToken('tasks:read')).toBe(true);
    expect(isScopeToken('https://api.example/scope!')).toBe(true);
    for (const bad of ['', 'a b', 'a"b', 'a\\b', 'café', 'a\u0000']) expect(isScopeToken(bad)).toBe(false);
  });
});
