import { accessSync, constants, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OperatorError } from '@tessera/config';

/** Throws an `OperatorError` unless a file can be written at `path` (its folder exists and is writable). */
export function assertWritable(path: string): void {
  try {
    accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    throw new OperatorError('out_not_writable', `cannot write ${path}: ${(error as Error).message}`);
  }
}

/**
 * Writes `text` to `path` readable by its owner only (mode 0600), replacing what was there in one rename: no
 * reader ever sees a half-written or empty file, nor the secret under a wider mode.
 */
export function writeSecretFile(path: string, text: string): void {
  const temporary = `${resolve(path)}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}
