import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OperatorError } from './operator-error.ts';
import { repoRoot } from './paths.ts';

/**
 * Loads `<repoRoot>/.env` into `process.env` when the file exists. Variables already set in the environment
 * win, so `FOO=x npm start` still overrides the file. Returns whether a file was read.
 */
export function loadDotEnv(path: string = join(repoRoot, '.env')): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/**
 * Runs a process entry point (`main.ts`, `migrate.ts`, a CLI): `.env` first, then `main`. An `OperatorError`
 * prints its message alone and exits 1; anything else prints in full and exits 1. `main` resolving leaves the
 * process running (a server) or lets it end (a one-shot command) with the exit code it returns, if any.
 */
export function runEntryPoint(main: () => Promise<number | void>): void {
  loadDotEnv();
  main().then(
    (exitCode) => {
      if (typeof exitCode === 'number') process.exitCode = exitCode;
    },
    (error: unknown) => {
      if (error instanceof OperatorError) process.stderr.write(`${error.message}\n`);
      else console.error(error);
      process.exit(1);
    },
  );
}
