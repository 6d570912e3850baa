import { describe, expect, it } from 'vitest';
import {
  commaListSchema,
  countSchema,
  databaseUrlSchema,
  durationSchema,
  logLevelSchema,
  nodeEnvSchema,
  originListSchema,
  portSchema,
  secretSchema,
  urlSchema,
} from './schemas.ts';

describe('secretSchema', () => {
  it('accepts 32 random-looking bytes', () => {
    expect(secretSchema().safeParse('0123456789abcdef0123456789abcdef').success).toBe(true);
  });

  it('rejects a secret shorter than 32 bytes', () => {
    const result = secretSchema().safeParse('0123456789abcdef0123456789abcde');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be at least 32 bytes');
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(secretSchema({ minBytes: 4 }).safeParse('éà').success).toBe(true); // 2 characters, 4 bytes
    expect(secretSchema({ minBytes: 5 }).safeParse('éà').success).toBe(false);
  });

  it.each(['changeme', 'CHANGEME', 'secret', 'your-secret-here', 'Please-Change-Me'])(
    'rejects the placeholder %s',
    (value) => {
      const result = secretSchema({ minBytes: 1 }).safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/placeholder/);
    },
  );

  it('rejects one character repeated', () => {
    expect(secretSchema().safeParse('a'.repeat(64)).success).toBe(false);
  });
});

describe('urlSchema', () => {
  it('removes a trailing slash', () => {
    expect(urlSchema().parse('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(urlSchema().parse('https://auth.example.com/base/')).toBe('https://auth.example.com/base');
  });

  it.each(['localhost:3000', '/relative', 'ftp://example.com', 'javascript:alert(1)', 'not a url'])(
    'rejects %s',
    (value) => {
      expect(urlSchema().safeParse(value).success).toBe(false);
    },
  );
});

describe('durationSchema', () => {
  it.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604_800],
    ['45', 45],
    ['0', 0],
  ])('parses %s as %i seconds', (value, seconds) => {
    expect(durationSchema().parse(value)).toBe(seconds);
  });

  it.each(['15 minutes', '1.5h', '-5m', 'm', '10ms', ''])('rejects %s', (value) => {
    expect(durationSchema().safeParse(value).success).toBe(false);
  });

  it('rejects a duration too large to be an exact number of seconds', () => {
    const result = durationSchema().safeParse('99999999999999999999d');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('is too large');
  });
});

describe('commaListSchema', () => {
  it('splits, trims and drops empty items', () => {
    expect(commaListSchema().parse('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(commaListSchema().parse(' , ')).toEqual([]);
  });
});

describe('countSchema', () => {
  it.each([
    ['1', 1],
    [' 4 ', 4],
    ['100', 100],
  ])('parses %s', (value, count) => {
    expect(countSchema({ min: 1, max: 100 }).parse(value)).toBe(count);
  });

  it.each(['0', '101', '-1', '2.5', '0x4', '1e2', 'four', ''])('rejects %j with the range in the message', (value) => {
    const result = countSchema({ min: 1, max: 100 }).safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be an integer from 1 to 100');
  });
});

describe('portSchema', () => {
  it.each([
    ['0', 0],
    ['3000', 3000],
    ['65535', 65_535],
  ])('parses %s', (value, port) => {
    expect(portSchema().parse(value)).toBe(port);
  });

  it.each(['65536', '-1', '80.5', '0x50', '1e3', 'http'])('rejects %s', (value) => {
    expect(portSchema().safeParse(value).success).toBe(false);
  });

  it('takes a numeric default', () => {
    expect(portSchema().default(3001).parse(undefined)).toBe(3001);
  });
});

describe('nodeEnvSchema', () => {
  it('defaults to development', () => {
    expect(nodeEnvSchema().parse(undefined)).toBe('development');
  });

  it('rejects anything but development, test and production', () => {
    expect(nodeEnvSchema().parse('production')).toBe('production');
    expect(nodeEnvSchema().safeParse('prod').success).toBe(false);
  });
});

describe('originListSchema', () => {
  it('normalises each origin to what a browser sends', () => {
    expect(originListSchema().parse('http://localhost:5173/, HTTPS://App.Example:443, http://127.0.0.1:8080')).toEqual([
      'http://localhost:5173',
      'https://app.example',
      'http://127.0.0.1:8080',
    ]);
  });

  it.each([
    'https://app.example/path',
    'https://app.example?x=1',
    'https://app.example/#top',
    'ftp://app.example',
    'https://user@app.example',
    'app.example',
  ])('refuses %s, naming it', (value) => {
    const result = originListSchema().safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(`"${value}" is not an origin like https://app.example.com`);
  });
});

describe('databaseUrlSchema', () => {
  it.each(['postgres://db/x', 'postgresql://u@db:5432/x', 'memory://'])('accepts %s', (value) => {
    expect(databaseUrlSchema().parse(value)).toBe(value);
  });

  it('refuses another scheme without echoing the URL', () => {
    const result = databaseUrlSchema().safeParse('mysql://user:hunter2@db/x');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).not.toContain('hunter2');
  });
});

describe('logLevelSchema', () => {
  it('defaults to info and refuses an unknown level', () => {
    expect(logLevelSchema().parse(undefined)).toBe('info');
    expect(logLevelSchema().safeParse('verbose').success).toBe(false);
  });
});
