import { pino } from 'pino';

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/** Header and field names that carry credentials, compared case-insensitively. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api_key',
  'apikey',
]);

/** Any key ending in one of these (`token`, `access_token`, `refreshToken`, `client_secret`, `newPassword`, …). */
const SECRET_SUFFIXES = ['token', 'secret', 'password'];

/**
 * Keys under which database drivers keep the values a statement was sent with: drizzle's `DrizzleQueryError` and
 * PGlite's error (`params`), postgres-js's (`parameters`). Those values are user data, session tokens, hashes.
 */
const STATEMENT_PARAMETER_KEYS = new Set(['params', 'parameters']);

/** Objects nested deeper than this are cut rather than walked: it bounds the cost and breaks cycles. */
const MAX_DEPTH = 10;

/** Whether the value under this key is a credential, or the values a database statement was sent with. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return (
    SECRET_KEYS.has(lower) ||
    STATEMENT_PARAMETER_KEYS.has(lower) ||
    SECRET_SUFFIXES.some((suffix) => lower.endsWith(suffix))
  );
}

/**
 * A log message or error text without the statement parameters drizzle writes into it: `Failed query: <sql>`
 * stays, `\nparams: <values>` goes. In a stack trace the frames after the values are kept.
 */
export function withoutStatementParameters(text: string): string {
  const start = text.indexOf('\nparams: ');
  if (start === -1) return text;
  const frames = text.indexOf('\n    at ', start);
  return frames === -1 ? text.slice(0, start) : text.slice(0, start) + text.slice(frames);
}

/**
 * Returns `value` with every credential-named key replaced by `[redacted]`, at any depth (to 10 levels).
 * Copy-on-write: an object without secrets is returned as is, so a flat access-log line costs one key scan.
 * Errors are serialized first (type, message, stack and own fields) so that their fields are redacted too.
 *
 * Why not pino's `redact` option: it has no any-depth wildcard, and wildcard paths cost ~10–50 µs per line.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return redactSecrets(serializeError(value), depth);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactSecrets(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return copy ?? value;
  }
  // Mirror JSON.stringify: what gets logged is the toJSON() result (Date, Buffer, URL, domain objects).
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function')
    return redactSecrets((withToJson.toJSON as () => unknown).call(value), depth + 1);
  if (!isRecord(value)) return value;

  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const redacted =
      isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth + 1);
    if (redacted !== item) (copy ??= { ...value })[key] = redacted;
  }
  return copy ?? value;
}

/** Objects JSON.stringify writes field by field; Map, Set, Headers and the like are written as `{}` and skipped. */
function isRecord(value: object): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** pino's error serializer, with the statement parameters taken out of the message and the stack. */
function serializeError(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = pino.stdSerializers.err(error);
  for (const key of ['message', 'stack']) {
    const text = serialized[key];
    if (typeof text === 'string') serialized[key] = withoutStatementParameters(text);
  }
  return serialized;
}
