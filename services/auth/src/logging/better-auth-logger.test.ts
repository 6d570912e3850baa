import { Writable } from 'node:stream';
import { createLogger } from '@tessera/server';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { betterAuthLogger } from './better-auth-logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: betterAuthLogger(createLogger({ service: 'auth', level: 'info', destination })).log! };
}

describe('betterAuthLogger', () => {
  it('logs a failed query as its SQL and cause, without the bound values (a session token here)', () => {
    const { lines, log } = capture();
    const sessionToken = 'Q2hhcmxlcyBCYWJiYWdlIHdhcyBoZXJl';
    const failed = new DrizzleQueryError(
      'select * from "session" where "token" = $1',
      [sessionToken],
      new Error('connection terminated'),
    );
    log('error', 'Failed to read session from database', failed);
    const [line] = lines;
    expect(line).toContain('better-auth: Failed to read session from database');
    expect(line).toContain('where \\"token\\" = $1');
    expect(line).toContain('connection terminated');
    expect(line).not.toContain(sessionToken);
  });

  it('cuts the bound values from a failed query logged as a message, and from a cause that carries them', () => {
    const { lines, log } = capture();
    const sessionToken = 'Q2hhcmxlcyBCYWJiYWdlIHdhcyBoZXJl';
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      query: 'select $1',
      params: [sessionToken],
    });
    const failed = new DrizzleQueryError('select * from "session" where "token" = $1', [sessionToken], cause);
    log('error', failed.message);
    log('error', 'INTERNAL_SERVER_ERROR', { error: failed });
    expect(lines.join('')).toContain('Failed query: select * from \\"session\\"');
    expect(lines.join('')).not.toContain(sessionToken);
  });

  it('passes other details through', () => {
    const { lines, log } = capture();
    log('warn', 'Invalid id token', { provider: 'github' });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 40,
      msg: 'better-auth: Invalid id token',
      details: [{ provider: 'github' }],
    });
  });
});
