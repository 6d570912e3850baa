import type { Principal } from '@tessera/guard';
import { HttpProblem } from '@tessera/server';
import { describe, expect, it } from 'vitest';
import { namedSubject, ownSubject } from './caller-subject.ts';

const claims = { iss: 'http://auth.test', aud: 'tessera', exp: 2_000_000_000 };
const user: Principal = {
  kind: 'user',
  subject: 'user-1',
  userId: 'user-1',
  scopes: new Set(),
  claims: { ...claims, sub: 'user-1' },
};
const service = (...scopes: string[]): Principal => ({
  kind: 'service',
  subject: 'client:billing',
  clientId: 'billing',
  scopes: new Set(scopes),
  claims: { ...claims, sub: 'client:billing' },
});

/** The problem `run` throws: status and code. */
function refusal(run: () => unknown): { status: number; code: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return { status: (error as HttpProblem).status, code: (error as HttpProblem).code };
  }
  throw new Error('expected a refusal');
}

describe('ownSubject', () => {
  it('is the calling user', () => {
    expect(ownSubject(user)).toEqual({ subject: 'user-1', onBehalfOf: undefined });
  });

  it('refuses a service, whatever its scopes', () => {
    expect(refusal(() => ownSubject(service('tasks:write')))).toEqual({ status: 403, code: 'user_subject_required' });
  });
});

describe('namedSubject', () => {
  it('lets a user name themself, as `me` or by id', () => {
    expect(namedSubject(user, 'me', 'read').subject).toBe('user-1');
    expect(namedSubject(user, 'user-1', 'write').subject).toBe('user-1');
  });

  it('refuses a user naming someone else with 403 forbidden', () => {
    expect(refusal(() => namedSubject(user, 'user-2', 'read'))).toEqual({ status: 403, code: 'forbidden' });
  });

  it('lets a service read with tasks:read or tasks:write, and write only with tasks:write', () => {
    expect(namedSubject(service('tasks:read'), 'user-2', 'read')).toEqual({
      subject: 'user-2',
      onBehalfOf: { clientId: 'billing' },
    });
    expect(namedSubject(service('tasks:write'), 'user-2', 'read').subject).toBe('user-2');
    expect(namedSubject(service('tasks:write'), 'user-2', 'write').subject).toBe('user-2');
    expect(refusal(() => namedSubject(service('tasks:read'), 'user-2', 'write'))).toEqual({
      status: 403,
      code: 'insufficient_scope',
    });
    expect(refusal(() => namedSubject(service(), 'user-2', 'read'))).toEqual({
      status: 403,
      code: 'insufficient_scope',
    });
  });

  it('refuses `me` for a service: it has no tasks of its own', () => {
    expect(refusal(() => namedSubject(service('tasks:read'), 'me', 'read'))).toEqual({
      status: 403,
      code: 'user_subject_required',
    });
  });
});
