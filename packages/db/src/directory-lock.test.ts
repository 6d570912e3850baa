import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorError } from '@tessera/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockDirectory } from './directory-lock.ts';
import { openDatabase } from './open-database.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tessera-lock-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** A real second process that holds the lock until it is killed. */
async function holdLockInAnotherProcess(directory: string) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  writeFileSync(join(directory, 'tessera.pid'), String(child.pid));
  return child;
}

describe('embedded database directory lock', () => {
  it('refuses a second open of the same directory in this process, naming the variable', async () => {
    const first = await openDatabase({ dataDir, name: 'auth', schema: {} });
    try {
      const second = openDatabase({ dataDir, name: 'auth', schema: {} });
      await expect(second).rejects.toBeInstanceOf(DatabaseInUseError);
      // An operator's problem: entry points print its message alone.
      await expect(second).rejects.toBeInstanceOf(OperatorError);
      await expect(second).rejects.toMatchObject({ code: 'database_in_use', pid: process.pid });
      await expect(second).rejects.toThrow(/AUTH_DATABASE_URL/);
    } finally {
      await first.close();
    }
  });

  it('refuses a directory held by another live process', async () => {
    const directory = join(dataDir, 'auth');
    await openDatabase({ dataDir, name: 'auth', schema: {} }).then((db) => db.close());
    const holder = await holdLockInAnotherProcess(directory);
    try {
      await expect(openDatabase({ dataDir, name: 'auth', schema: {} })).rejects.toMatchObject({
        code: 'database_in_use',
        pid: holder.pid,
      });
    } finally {
      holder.kill();
    }
  });

  it('frees the directory on close, so it opens again', async () => {
    const first = await openDatabase({ dataDir, name: 'auth', schema: {} });
    await first.close();
    const again = await openDatabase({ dataDir, name: 'auth', schema: {} });
    await again.close();
  });

  it('takes over a lock whose process is gone', async () => {
    const directory = join(dataDir, 'auth');
    await openDatabase({ dataDir, name: 'auth', schema: {} }).then((db) => db.close());
    const holder = await holdLockInAnotherProcess(directory);
    holder.kill();
    await new Promise((resolve) => holder.once('exit', resolve));

    const release = lockDirectory(directory, 'AUTH_DATABASE_URL');
    expect(readFileSync(join(directory, 'tessera.pid'), 'utf8')).toBe(String(process.pid));
    release();
  });

  it('takes over a lock left with its own pid by an earlier process (a restarted container)', async () => {
    const directory = join(dataDir, 'auth');
    await openDatabase({ dataDir, name: 'auth', schema: {} }).then((db) => db.close());
    writeFileSync(join(directory, 'tessera.pid'), String(process.pid));

    const database = await openDatabase({ dataDir, name: 'auth', schema: {} });
    try {
      await expect(openDatabase({ dataDir, name: 'auth', schema: {} })).rejects.toMatchObject({
        code: 'database_in_use',
      });
    } finally {
      await database.close();
    }
  });

  it('does not lock memory:// databases', async () => {
    const [a, b] = await Promise.all([
      openDatabase({ url: 'memory://', dataDir, name: 'auth', schema: {} }),
      openDatabase({ url: 'memory://', dataDir, name: 'auth', schema: {} }),
    ]);
    await Promise.all([a.close(), b.close()]);
  });
});
