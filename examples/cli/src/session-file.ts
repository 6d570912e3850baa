import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SessionStorage } from '@tessera/client';

/** `$XDG_CONFIG_HOME/tessera/session`, or `~/.config/tessera/session`. */
export function sessionFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(configHome, 'tessera', 'session');
}

/**
 * The CLI's secure store: the session token in a file only its user can read (0600, in a 0700 folder), the way
 * a phone keeps it in its keychain. Written to a temporary file first, so a crash never leaves half a token.
 */
export function sessionFile(path: string): SessionStorage {
  return {
    async get() {
      try {
        return (await readFile(path, 'utf8')).trim() || null;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async set(sessionToken) {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${sessionToken}\n`, { mode: 0o600 });
      await chmod(temporary, 0o600); // the mode of writeFile is masked by the umask
      await rename(temporary, path);
    },
    async delete() {
      await rm(path, { force: true });
    },
  };
}
