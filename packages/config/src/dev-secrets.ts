import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.ts';

/** Options of {@link resolveDevSecret}. */
export type ResolveDevSecretOptions = {
  /** Name of the environment variable, e.g. `BETTER_AUTH_SECRET`; also the key in `secrets.json`. */
  variable: string;
  /** The configured value, if any (an empty string counts as unset). */
  value: string | undefined;
  /** Directory holding `secrets.json`, usually `defaultDataDir()` or `DATA_DIR`. */
  dataDir: string;
  /** In production a missing secret is a configuration error, never generated. */
  production: boolean;
};

/** The secret to use, and whether it is a generated development secret (so the caller can warn). */
export type ResolvedSecret = { value: string; generated: boolean };

const SECRETS_FILE = 'secrets.json';
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;
const LOCK_RETRY_MS = 20;

/**
 * Returns the configured secret; outside production, a missing one is generated once (32 random bytes,
 * base64url) and kept in `<dataDir>/secrets.json` (mode 0600), so it stays the same across restarts and
 * across services started at the same time. `generated` is true whenever the value comes from that file.
 */
export function resolveDevSecret({ variable, value, dataDir, production }: ResolveDevSecretOptions): ResolvedSecret {
  if (value !== undefined && value.trim() !== '') return { value, generated: false };
  if (production) {
    throw new ConfigError([
      { variable, message: 'required in production (generated dev secrets are never used there)' },
    ]);
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SECRETS_FILE);
  const stored = readSecrets(file)[variable];
  if (stored !== undefined) return { value: stored, generated: true };

  // Two services starting together must not each write a different secret: re-read under a lock.
  return withLock(`${file}.lock`, () => {
    const secrets = readSecrets(file);
    const existing = secrets[variable];
    if (existing !== undefined) return { value: existing, generated: true };
    const created = randomBytes(32).toString('base64url');
    writeSecretsAtomically(file, { ...secrets, [variable]: created });
    return { value: created, generated: true };
  });
}

/**
 * The development secret kept for `variable` in `<dataDir>/secrets.json`, if there is one; never generates or
 * writes one. A service that must not hold a secret can still check it is not reusing it (see `JWT_SECRET`).
 */
export function storedDevSecret({ variable, dataDir }: { variable: string; dataDir: string }): string | undefined {
  try {
    return readSecrets(join(dataDir, SECRETS_FILE))[variable];
  } catch (error) {
    // A corrupt file is reported by the service that owns the secret (resolveDevSecret); here it is just absent.
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

function readSecrets(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  // A copy or an old checkout may have left it readable by others: tighten it back to the owner.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Never overwrite a file we cannot read: it may hold secrets that sessions and keys depend on.
    throw new ConfigError([
      { variable: file, message: 'is not valid JSON; fix or delete it to regenerate dev secrets' },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([{ variable: file, message: 'must hold a JSON object of variable names to secrets' }]);
  }
  const secrets: Record<string, string> = {};
  for (const [name, secret] of Object.entries(parsed)) {
    if (typeof secret === 'string' && secret !== '') secrets[name] = secret;
  }
  return secrets;
}

function writeSecretsAtomically(file: string, secrets: Record<string, string>): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the umask may have masked bits; make the mode exact either way
  renameSync(temporary, file);
}

function withLock<T>(lockFile: string, critical: () => T): T {
  // Count attempts rather than read the clock: tests may freeze Date.
  for (let attempt = 0; ; attempt++) {
    try {
      closeSync(openSync(lockFile, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      removeIfStale(lockFile);
      if (attempt * LOCK_RETRY_MS > LOCK_WAIT_MS) {
        // An operator's problem (printed without a stack by runEntryPoint), like the corrupt-file case above.
        throw new ConfigError([
          { variable: lockFile, message: 'is held by another process; delete it if no service is starting' },
        ]);
      }
      sleepSync(LOCK_RETRY_MS);
    }
  }
  try {
    return critical();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** A crashed process can leave its lock behind; one older than any real critical section is ignored. */
function removeIfStale(lockFile: string): void {
  try {
    if (Date.now() - statSync(lockFile).mtimeMs > LOCK_STALE_MS) rmSync(lockFile, { force: true });
  } catch {
    // gone already: the next attempt will take it
  }
}

function sleepSync(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}
