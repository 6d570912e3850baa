import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor.ts';

const position = { createdAt: '2026-11-21T20:51:37.123456Z', id: '0b7f3a52-8c1e-4d7a-9f10-2b3c4d5e6f70' };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorError);
    return (error as InvalidCursorError).code;
  }
  return undefined;
}

describe('list cursor', () => {
  it('round-trips a position exactly, microseconds included', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is opaque base64url', () => {
    expect(encodeCursor(position)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['an empty string', ''],
    ['non-base64url characters', 'abc+/='],
    ['base64url of something that is not JSON', Buffer.from('nope').toString('base64url')],
    ['a JSON object', Buffer.from('{"createdAt":"x"}').toString('base64url')],
    ['an unknown version', Buffer.from(JSON.stringify([2, position.createdAt, position.id])).toString('base64url')],
    [
      'millisecond precision',
      Buffer.from(JSON.stringify([1, '2026-11-21T20:51:37.123Z', position.id])).toString('base64url'),
    ],
    [
      'an impossible date',
      Buffer.from(JSON.stringify([1, '2026-02-30T00:00:00.000000Z', position.id])).toString('base64url'),
    ],
    ['an id that is not a uuid', Buffer.from(JSON.stringify([1, position.createdAt, 'x'])).toString('base64url')],
    ['an overlong value', 'a'.repeat(300)],
  ])('refuses %s', (_, cursor) => {
    expect(codeOf(() => decodeCursor(cursor))).toBe('invalid_cursor');
  });

  it('refuses a non-canonical encoding of a valid position', () => {
    const spaced = Buffer.from(JSON.stringify([1, position.createdAt, position.id], null, 1)).toString('base64url');
    expect(codeOf(() => decodeCursor(spaced))).toBe('invalid_cursor');
  });
});
