import { z } from 'zod';

/** Values people paste from examples and tutorials; never acceptable as a real secret. */
const PLACEHOLDER_SECRETS = new Set([
  'changeme',
  'change-me',
  'change_me',
  'changethis',
  'change-this',
  'secret',
  'password',
  'your-secret',
  'your-secret-here',
  'your_secret_here',
  'your-secret-key',
  'please-change-me',
  'replace-me',
  'replace-with-a-real-secret',
  'insert-secret-here',
  'better-auth-secret',
  'jwt-secret',
  'supersecret',
  'super-secret',
  'todo',
  'xxx',
]);

/** Options of {@link secretSchema}. */
export type SecretSchemaOptions = {
  /** Minimum length in UTF-8 bytes. Default 32 (256 bits, enough for HS256 and Better Auth). */
  minBytes?: number;
};

/** A secret string: at least `minBytes` UTF-8 bytes, not a known placeholder, not one character repeated. */
export function secretSchema({ minBytes = 32 }: SecretSchemaOptions = {}) {
  return z
    .string()
    .refine((value) => !isPlaceholder(value), {
      message: 'is a placeholder value; generate a real secret (e.g. `openssl rand -base64 32`)',
      abort: true,
    })
    .refine((value) => Buffer.byteLength(value, 'utf8') >= minBytes, { message: `must be at least ${minBytes} bytes` })
    .refine((value) => new Set(value).size > 1, { message: 'is one character repeated; generate a real secret' });
}

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_SECRETS.has(value.trim().toLowerCase());
}

/** An absolute http(s) URL; a trailing slash is removed so URLs compare and concatenate cleanly. */
export function urlSchema() {
  return z
    .string()
    .trim()
    .refine(isHttpUrl, { message: 'must be an absolute http(s) URL' })
    .transform((value) => value.replace(/\/+$/, ''));
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION = /^(\d+)(s|m|h|d)?$/;

/** A duration like `30s`, `15m`, `1h`, `7d`, or a bare integer of seconds; parsed to a number of seconds. */
export function durationSchema() {
  return (
    z
      .string()
      .trim()
      .regex(DURATION, { message: 'must be a duration like 30s, 15m, 1h, 7d or a number of seconds' })
      .transform((value) => {
        const [, amount = '0', unit = 's'] = DURATION.exec(value) ?? [];
        return Number(amount) * SECONDS_PER_UNIT[unit as keyof typeof SECONDS_PER_UNIT];
      })
      // `99999999999999999999d` matches the pattern but is no usable number of seconds (timers, `exp` claims).
      .refine(Number.isSafeInteger, { message: 'is too large' })
  );
}

/** A comma-separated list: `"a, b,,c"` becomes `['a', 'b', 'c']`. */
export function commaListSchema() {
  return z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );
}

/** A whole number from `min` to `max`, given as a string of digits: a pool size, a count of workers. */
export function countSchema({ min, max }: { min: number; max: number }) {
  const message = `must be an integer from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, { message })
    .transform(Number)
    .pipe(z.number().int().min(min, { message }).max(max, { message }));
}

/** A TCP port, 0–65535, given as a string of digits (0 asks the OS for an ephemeral port). */
export function portSchema() {
  return countSchema({ min: 0, max: 65_535 });
}

/** `NODE_ENV`: `development`, `test` or `production`; default `development`. */
export function nodeEnvSchema() {
  return z.enum(['development', 'test', 'production']).default('development');
}

/** pino's levels, as `LOG_LEVEL` accepts them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL`: one of {@link LOG_LEVELS}; default `info`. */
export function logLevelSchema() {
  return z.enum(LOG_LEVELS).default('info');
}

/**
 * A comma-separated list of browser origins (`https://app.example.com`), each normalised to the form a browser
 * sends in `Origin`: lower-case scheme and host, no default port, no trailing slash. CORS compares that header as
 * an exact string, so `http://LocalHost:5173/` must become `http://localhost:5173` or the browser is refused.
 */
export function originListSchema() {
  return commaListSchema().transform((items, context) =>
    items.flatMap((item) => {
      const origin = originOf(item);
      if (origin === undefined) {
        context.addIssue({
          code: 'custom',
          input: item,
          message: `"${item}" is not an origin like https://app.example.com`,
        });
        return [];
      }
      return [origin];
    }),
  );
}

/** The serialised origin of an http(s) URL that names nothing but an origin (a bare `/` path at most). */
function originOf(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  const bare =
    url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  const http = url.protocol === 'http:' || url.protocol === 'https:';
  return bare && http && !value.endsWith('?') && !value.endsWith('#') ? url.origin : undefined;
}

/**
 * A service's database URL (`<SERVICE>_DATABASE_URL`): `postgres://` or `postgresql://` for Postgres, `memory://`
 * for an in-memory PGlite (tests). Leave the variable unset for the embedded PGlite under `DATA_DIR`.
 */
export function databaseUrlSchema() {
  return z
    .string()
    .trim()
    .refine((url) => /^(postgres|postgresql|memory):\/\//.test(url), {
      message: 'must be a postgres:// or postgresql:// URL, or memory://; leave it unset for embedded PGlite',
    });
}

/** The address every interface listens on unless `HOST` says otherwise. */
export const DEFAULT_HOST = '0.0.0.0';

/**
 * `HOST`: the interface address a service listens on (`0.0.0.0` every IPv4 interface, `::` every interface,
 * `127.0.0.1` this machine only). Default `0.0.0.0`.
 */
export function hostSchema() {
  return z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.:-]+$/, { message: 'must be an interface address like 0.0.0.0, ::, 127.0.0.1 or a host name' })
    .default(DEFAULT_HOST);
}
