/**
 * The servers of the HTTP benchmark run in child processes, so autocannon (in the parent) does not share an
 * event loop with them. A child reports `{ type: 'ready', … }` over IPC once it listens, answers each request
 * (`{ type: 'cpu' }`, or one its own `handle` understands) with one reply, in the order they were sent, and
 * shuts down on `{ type: 'stop' }` or when its parent goes away.
 */
import { type ChildProcess, fork } from 'node:child_process';

/** What a parent asks of a child: its CPU time, or anything else the child's `handle` answers. */
export type ChildRequest = { type: string; [field: string]: unknown };

/** What a child sends its parent: ready (or failed to start), and one reply per request. */
export type ChildMessage<T> =
  | { type: 'ready'; payload: T }
  | { type: 'failed'; message: string }
  | { type: 'reply'; value: unknown; error?: string };

/** A running child server: its ready payload, its CPU time, and a way to stop it. */
export type ChildServer<T> = {
  payload: T;
  pid: number;
  /** User + system CPU time the child has used since it started, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Sends a request to the child's `handle`, and resolves with its reply once the child has acted on it. */
  request(message: ChildRequest): Promise<unknown>;
  stop(): Promise<void>;
};

/** Node flags of every child: `gc()`, so a child can start each measured run on a collected heap. */
const childFlags = ['--conditions=@tessera/source', '--import', 'tsx', '--expose-gc'];

// Generous: on the shared machine under load, a PGlite start with its migrations has taken over a minute.
const startTimeoutMs = 180_000;
const stopTimeoutMs = 10_000;

/**
 * Forks `module` (a `.ts` file in this folder, run through tsx) with `input` as JSON in its argv, and waits for
 * its ready message. Its output goes to the parent's stderr, so a crash is visible.
 */
export function startChild<T>(module: string, input: unknown): Promise<ChildServer<T>> {
  const file = new URL(module, import.meta.url).pathname;
  const child = fork(file, [JSON.stringify(input)], {
    execArgv: childFlags,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${module} did not start within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', (code) => fail(new Error(`${module} exited with code ${code} before it was ready`)));
    // Replies come back in the order the requests were sent.
    const waitingForReply: { resolve(value: unknown): void; reject(error: Error): void }[] = [];
    child.on('message', (message: ChildMessage<T>) => {
      if (message.type === 'reply') {
        const waiting = waitingForReply.shift();
        return message.error === undefined
          ? waiting?.resolve(message.value)
          : waiting?.reject(new Error(`${module}: ${message.error}`));
      }
      if (message.type === 'failed') return fail(new Error(`${module} failed to start: ${message.message}`));
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const request = (sent: ChildRequest) =>
        new Promise<unknown>((resolve, reject) => {
          waitingForReply.push({ resolve, reject });
          child.send(sent);
        });
      resolve({
        payload: message.payload,
        pid: child.pid ?? -1,
        cpuMicros: async () => (await request({ type: 'cpu' })) as number,
        request,
        stop: () => stopChild(child),
      });
    });
  });
}

/** Asks the child to stop, and kills it (by its own pid) if it has not exited in time. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
  });
}

/** The child's JSON input from its argv. */
export function childInput<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('this module runs as a child of bench/http.ts');
  return JSON.parse(raw) as T;
}

/** What a child runs: its ready payload, how to stop, and the answers to its parent's own requests. */
export type ChildRun<T> = {
  payload: T;
  stop(): Promise<void>;
  /** Answers a request other than `cpu` and `stop`; what it returns (or resolves to) is the reply. Default: none. */
  handle?(message: ChildRequest): unknown;
};

/**
 * The child's side: runs `start`, reports its payload, answers requests one at a time in order, and runs `stop`
 * then exits when asked to or when the parent disconnects (so a crashed benchmark leaves no server behind).
 */
export async function runAsChild<T>(start: () => Promise<ChildRun<T>>): Promise<void> {
  const send = (message: ChildMessage<T>) => process.send?.(message);
  let stopping = false;
  try {
    const running = await start();
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      await running.stop().catch(() => undefined);
      process.exit(0);
    };
    const answer = async (message: ChildRequest): Promise<unknown> => {
      if (message.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        return user + system;
      }
      if (running.handle === undefined) throw new Error(`unknown request ${message.type}`);
      return running.handle(message);
    };
    // One request at a time, so a reply means everything asked before it is done.
    let queue = Promise.resolve();
    process.on('message', (message: ChildRequest) => {
      if (message.type === 'stop') return void shutdown();
      queue = queue.then(async () => {
        try {
          send({ type: 'reply', value: await answer(message) });
        } catch (error) {
          send({ type: 'reply', value: undefined, error: error instanceof Error ? error.message : String(error) });
        }
      });
    });
    process.on('disconnect', () => void shutdown());
    send({ type: 'ready', payload: running.payload });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
