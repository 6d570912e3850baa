import { describe, expect, it } from 'vitest';
import {
  authChallenge,
  bearerChallenge,
  MAX_PROBLEM_ERRORS,
  problemAnswer,
  problemBody,
  problemCodeForStatus,
  problemTitleForStatus,
} from './index.ts';

describe('problemBody', () => {
  it('defaults the title to the reason phrase and the type to about:blank', () => {
    expect(problemBody({ status: 404, code: 'task_not_found', detail: 'No such task.' })).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No such task.',
      code: 'task_not_found',
    });
  });

  it('adds extension members but never lets them replace the standard ones', () => {
    const body = problemBody({
      status: 503,
      code: 'not_ready',
      detail: 'd',
      extensions: { checks: { db: 'failed' }, status: 200, code: 'ok' },
    });
    expect(body).toMatchObject({ status: 503, code: 'not_ready', checks: { db: 'failed' } });
  });

  it(`answers the first ${MAX_PROBLEM_ERRORS} failing fields and counts the rest`, () => {
    const errors = Array.from({ length: 5000 }, (_, index) => ({
      path: `field${index}`,
      message: 'is not a known field',
    }));
    const body = problemBody({ status: 400, code: 'validation_failed', detail: 'd', errors });
    expect(body.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(body.errors?.[0]).toEqual({ path: 'field0', message: 'is not a known field' });
    expect(body.errorsOmitted).toBe(5000 - MAX_PROBLEM_ERRORS);
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
  });

  it('leaves errorsOmitted out when every failing field fits', () => {
    const body = problemBody({
      status: 400,
      code: 'validation_failed',
      detail: 'd',
      errors: [{ path: 'title', message: 'required' }],
    });
    expect(body).not.toHaveProperty('errorsOmitted');
  });

  it('cuts a long path, which echoes a key of the request', () => {
    const body = problemBody({
      status: 400,
      code: 'validation_failed',
      detail: 'd',
      errors: [{ path: 'k'.repeat(60_000), message: 'is not a known field' }],
    });
    expect(body.errors?.[0]?.path.length).toBeLessThanOrEqual(200);
  });

  it('lets no extension bring in an uncapped errors list', () => {
    const errors = Array.from({ length: 100 }, () => ({ path: 'x', message: 'y' }));
    expect(problemBody({ status: 400, code: 'c', detail: 'd', extensions: { errors } })).not.toHaveProperty('errors');
  });
});

describe('problemAnswer', () => {
  it('is the status, the problem+json content type over any other, the extra headers and the JSON body', () => {
    const answer = problemAnswer(
      { status: 429, code: 'rate_limited', detail: 'slow down' },
      { 'Retry-After': '10', 'content-type': 'text/plain' },
    );
    expect(answer.status).toBe(429);
    expect(answer.headers).toEqual({ 'Retry-After': '10', 'Content-Type': 'application/problem+json' });
    expect(JSON.parse(answer.body)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'slow down',
      code: 'rate_limited',
    });
  });
});

describe('the status table', () => {
  it.each([
    [404, 'not_found', 'Not Found'],
    [413, 'payload_too_large', 'Content Too Large'],
    [422, 'unprocessable_content', 'Unprocessable Content'],
    [429, 'rate_limited', 'Too Many Requests'],
    [503, 'service_unavailable', 'Service Unavailable'],
  ])('names %i %s', (status, code, title) => {
    expect(problemCodeForStatus(status)).toBe(code);
    expect(problemTitleForStatus(status)).toBe(title);
  });

  it('falls back by class for a status it does not list', () => {
    expect(problemCodeForStatus(418)).toBe('bad_request');
    expect(problemCodeForStatus(599)).toBe('internal_error');
    expect(problemTitleForStatus(418)).toBe('Client Error');
  });
});

describe('challenges', () => {
  it('puts the realm first and quotes every parameter', () => {
    expect(bearerChallenge()).toBe('Bearer realm="tessera"');
    expect(
      bearerChallenge({ error: 'insufficient_scope', errorDescription: 'needs tasks:write', scope: 'tasks:write' }),
    ).toBe(
      'Bearer realm="tessera", error="insufficient_scope", error_description="needs tasks:write", scope="tasks:write"',
    );
    expect(bearerChallenge({ realm: 'reports' })).toBe('Bearer realm="reports"');
  });

  it('escapes quotes and backslashes, so no value breaks out of its quotes', () => {
    expect(authChallenge('Basic', { realm: 'a "b" \\ c', charset: 'UTF-8' })).toBe(
      'Basic realm="a \\"b\\" \\\\ c", charset="UTF-8"',
    );
  });
});
