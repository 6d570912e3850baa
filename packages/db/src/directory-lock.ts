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

/** Lock files this process holds: a file naming our own pid is only ours if we took it (pids are reused). */
const heldHere = new Set<string>();

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
      const holder = readHolder(path);
      if (holder === undefined) continue; // released between our open and this read: try again
      if (Number.isInteger(holder) && holder > 0 && isHeld(path, holder))
        throw new DatabaseInUseError(directory, holder, variable);
      rmSync(path, { force: true }); // stale: its process is gone (or was an earlier process with our pid)
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    heldHere.add(path);
    const release = () => {
      process.off('exit', release);
      heldHere.delete(path);
      rmSync(path, { force: true });
    };
    // A process that exits without closing the database (a crash, process.exit) still frees the directory.
    process.on('exit', release);
    return release;
  }
  throw new DatabaseInUseError(directory, Number.NaN, variable);
}

/** The pid in the lock file (NaN if unreadable as one), or undefined when the file is gone. */
function readHolder(path: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether the lock's process still holds it. Our own pid counts only when this process took the lock: a container
 * restarted after a crash runs as the same pid (often 1) as the process that left the file behind.
 */
function isHeld(path: string, pid: number): boolean {
  return pid === process.pid ? heldHere.has(path) : isAlive(pid);
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
