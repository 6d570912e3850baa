import { authFetch, ClientError, type NativeSession, nativeSession, SignedOutError } from '@tessera/client';
import { nativeFetch } from '@tessera/client/node';
import type { TasksApi } from '@tessera/tasks';
import { hc } from 'hono/client';
import { readLine, readPassword } from './password-prompt.ts';
import { sessionFile, sessionFilePath } from './session-file.ts';

/** Where the CLI talks to, and where it keeps its session. */
export type CliEnvironment = { authUrl: string; tasksUrl: string; sessionPath: string };

/** `TESSERA_AUTH_URL` and `TESSERA_TASKS_URL`, defaulting to the local stack of `npm start`. */
export function cliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return {
    authUrl: env.TESSERA_AUTH_URL || 'http://localhost:3000',
    tasksUrl: env.TESSERA_TASKS_URL || 'http://localhost:3001',
    sessionPath: sessionFilePath(env),
  };
}

export const USAGE = `usage: npm run tasks -- <command>

  login [email]   sign in (the password is prompted for, or read from stdin)
  logout          sign out and forget the session
  ls              list your tasks
  add <title>     add a task
  done <id>       mark a task done
  rm <id>         delete a task`;

/** A refusal the user can act on; printed without a stack, exit code 1. */
export class CliError extends Error {}

/** Runs one command; what it prints goes to `print`. */
export async function runCommand(
  args: string[],
  environment: CliEnvironment,
  print: (line: string) => void,
): Promise<void> {
  const session = nativeSession({
    authUrl: environment.authUrl,
    storage: sessionFile(environment.sessionPath),
    fetch: nativeFetch,
  });
  const tasks = hc<TasksApi>(environment.tasksUrl, { fetch: authFetch(session, nativeFetch) });
  const [command, ...rest] = args;

  switch (command) {
    case 'login': {
      const email = rest[0] ?? (process.stdin.isTTY ? await readLine('Email: ') : '');
      if (email === '') throw new CliError('usage: npm run tasks -- login <email> (the password on stdin)');
      const user = await session.signIn({ email, password: await readPassword('Password: ') });
      print(`Signed in as ${user.email}.`);
      return;
    }
    case 'logout':
      await session.signOut();
      print('Signed out.');
      return;
    case 'ls': {
      await requireSession(session);
      const response = await tasks.v1.tasks.$get({ query: { limit: '200' } });
      if (!response.ok) throw await refusal(response);
      const { items } = await response.json();
      if (items.length === 0) print('No tasks.');
      for (const task of items) print(`${task.id}  [${task.status === 'done' ? 'x' : ' '}] ${task.title}`);
      return;
    }
    case 'add': {
      const title = rest.join(' ').trim();
      if (title === '') throw new CliError('usage: npm run tasks -- add <title>');
      await requireSession(session);
      const response = await tasks.v1.tasks.$post({ json: { title } });
      if (response.status !== 201) throw await refusal(response);
      const task = await response.json();
      print(`${task.id}  [ ] ${task.title}`);
      return;
    }
    case 'done': {
      const id = requireId(rest[0], 'done');
      await requireSession(session);
      const response = await tasks.v1.tasks[':id'].$patch({ param: { id }, json: { status: 'done' } });
      if (!response.ok) throw await refusal(response);
      const task = await response.json();
      print(`${task.id}  [x] ${task.title}`);
      return;
    }
    case 'rm': {
      const id = requireId(rest[0], 'rm');
      await requireSession(session);
      const response = await tasks.v1.tasks[':id'].$delete({ param: { id } });
      if (response.status !== 204) throw await refusal(response);
      print(`Deleted ${id}.`);
      return;
    }
    default:
      throw new CliError(USAGE);
  }
}

/** The message and exit code of a failure: a user's mistake or a refusal in one line, never a stack. */
export function describeFailure(error: unknown, environment: CliEnvironment): string {
  if (error instanceof SignedOutError) return 'Signed out: run `npm run tasks -- login` to sign in.';
  if (error instanceof CliError) return error.message;
  if (error instanceof ClientError && error.code === 'token_unavailable')
    return `Cannot reach the auth service at ${environment.authUrl}.`;
  if (error instanceof ClientError) return error.message;
  if (error instanceof TypeError && error.message === 'fetch failed')
    return `Cannot reach the tasks service at ${environment.tasksUrl}.`;
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

async function requireSession(session: NativeSession): Promise<void> {
  if (!(await session.hasSession())) throw new SignedOutError();
}

function requireId(id: string | undefined, command: string): string {
  if (id === undefined || id.trim() === '') throw new CliError(`usage: npm run tasks -- ${command} <id>`);
  return id;
}

/** A problem+json answer of the tasks service as a one-line error. */
async function refusal(response: Response): Promise<CliError> {
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  return new CliError(`${response.status}: ${problem.detail ?? problem.title ?? 'request refused'}`);
}
