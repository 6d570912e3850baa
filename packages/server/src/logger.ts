import { pino, type DestinationStream, type Level } from 'pino';

/** The structured JSON logger every service uses (pino). */
export type Logger = pino.Logger;

/** Options of {@link createLogger}. */
export type CreateLoggerOptions = {
  /** Service name, written on every line as `service`. */
  service: string;
  /** Minimum level. Default `info`. */
  level?: Level | 'silent';
  /** Where lines go. Default: stdout. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
};

/** Keys whose values are credentials; redacted wherever they appear in the common log shapes. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'secret',
  'client_secret',
  'clientSecret',
];

/**
 * pino's redaction has no "any depth" wildcard, so list each key at the top level and up to four levels down
 * (`req.headers.authorization`, `body.user.password`, `error.request.headers.cookie`, …).
 */
function redactionPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) => (segment.startsWith('[') ? `${prefix}${segment}` : `${prefix}.${segment}`);
    paths.push(segment, join('*'), join('*.*'), join('*.*.*'), join('*.*.*.*'));
  }
  return paths;
}

/** A pino JSON logger tagged with the service name, with credentials redacted as `[redacted]`. */
export function createLogger({ service, level = 'info', destination }: CreateLoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactionPaths(), censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
