import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors.ts';

/** An error as the drivers throw them: a message and a string `code`. */
function driverError(code: string, message = 'driver error'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', 'ECONNREFUSED'],
    ['a reset connection', 'ECONNRESET'],
    ['a postgres-js connection closed mid-query', 'CONNECTION_CLOSED'],
    ['a postgres-js connect timeout', 'CONNECT_TIMEOUT'],
    ['SQLSTATE 08006 connection failure', '08006'],
    ['SQLSTATE 57P01 admin shutdown', '57P01'],
    ['SQLSTATE 57P03 cannot connect now (starting up)', '57P03'],
    ['SQLSTATE 53300 too many connections', '53300'],
    ['SQLSTATE 57014 statement timeout', '57014'],
    ['SQLSTATE 40001 serialization failure', '40001'],
  ])('recognises %s', (_, code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(true);
  });

  it.each([
    ['a unique violation', '23505'],
    ['a check violation', '23514'],
    ['a row-level-security violation', '42501'],
    ['a syntax error', '42601'],
    ['an invalid uuid', '22P02'],
  ])('does not hide %s as an outage', (_, code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(false);
  });

  it('finds the driver error inside the wrapper drizzle throws', () => {
    const wrapped = new Error('Failed query: select …', { cause: driverError('ECONNREFUSED') });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('recognises a closed PGlite and an AggregateError of refused connections', () => {
    expect(isDatabaseUnavailable(new Error('PGlite is closed'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([driverError('ECONNREFUSED'), driverError('ECONNREFUSED')]))).toBe(
      true,
    );
  });

  it('recognises its own error and nothing that is not an Error', () => {
    expect(isDatabaseUnavailable(new DatabaseUnavailableError('down'))).toBe(true);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
