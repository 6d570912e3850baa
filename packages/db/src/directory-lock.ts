import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OperatorError } from '@tessera/config';

/** Thrown when an embedded database directory is already open in another live process (or this one). */
export class DatabaseInUseError extends OperatorError {
  declare readonly code: 'database_in_use';

  constructor(
    readonly directory: string,
    readonly pid: number,
    variable: string,
  ) {
    super(
      'database_in_use',
      `The embedded database at ${directory} is in use by process ${pid}. PGlite allows one process at a time: ` +
        `stop that process (is the service running?), or set ${variable} to a postgres:// URL.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

const LOCK_FILE = 'tessera.pid';

/**
 * Takes `<directory>/tessera.pid` for this process and returns its release function.
 * PGlite does not stop a second process from opening the same directory, and two processes writing one
 * data directory silently diverge, so the lock is ours. A lock whose process is gone is taken over.
 */
export function lockDirectory(directory: string, variable: string): () => void {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw new DatabaseInUseError(directory, holder, variable);
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    const release = () => {
      process.off('exit', release);
      rmSync(path, { force: true });
    };
    // A process that exits without closing the database (a crash, process.exit) still frees the directory.
    process.on('exit', release);
    return release;
  }
  throw new DatabaseInUseError(directory, Number.NaN, variable);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
