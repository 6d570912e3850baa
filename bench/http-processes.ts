/**
 * The servers of the HTTP benchmark run in child processes, so autocannon (in the parent) does not share an
 * event loop with them. A child reports `{ type: 'ready', … }` over IPC once it listens, answers
 * `{ type: 'cpu' }` with the CPU time it has used so far, and shuts down on `{ type: 'stop' }` or when its
 * parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** What a child sends its parent: ready (or failed to start), and its CPU time when asked. */
export type ChildMessage<T> = { type: 'ready'; payload: T } | { type: 'failed'; message: string } | { type: 'cpu'; micros: number };

/** A running child server: its ready payload, its CPU time, and a way to stop it. */
export type ChildServer<T> = {
  payload: T;
  pid: number;
  /** User + system CPU time the child has used since it started, in microseconds. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
};

const startTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;

/**
 * Forks `module` (a `.ts` file in this folder, run through tsx) with `input` as JSON in its argv, and waits for
 * its ready message. Its output goes to the parent's stderr, so a crash is visible.
 */
export function startChild<T>(module: string, input: unknown): Promise<ChildServer<T>> {
  const file = new URL(module, import.meta.url).pathname;
  const child = fork(file, [JSON.stringify(input)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${module} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('exit', (code) => fail(new Error(`${module} exited with code ${code} before it was ready`)));
    // CPU answers come back in the order they were asked for.
    const waitingForCpu: ((micros: number) => void)[] = [];
    child.on('message', (message: ChildMessage<T>) => {
      if (message.type === 'cpu') return waitingForCpu.shift()?.(message.micros);
      if (message.type === 'failed') return fail(new Error(`${module} failed to start: ${message.message}`));
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const cpuMicros = () =>
        new Promise<number>((answer) => {
          waitingForCpu.push(answer);
          child.send({ type: 'cpu' });
        });
      resolve({ payload: message.payload, pid: child.pid ?? -1, cpuMicros, stop: () => stopChild(child) });
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

/**
 * The child's side: runs `start`, reports its payload, and runs `stop` then exits when asked to or when the
 * parent disconnects (so a crashed benchmark leaves no server behind).
 */
export async function runAsChild<T>(start: () => Promise<{ payload: T; stop(): Promise<void> }>): Promise<void> {
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
    process.on('message', (message: { type?: string }) => {
      if (message.type === 'stop') void shutdown();
      if (message.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        send({ type: 'cpu', micros: user + system });
      }
    });
    process.on('disconnect', () => void shutdown());
    send({ type: 'ready', payload: running.payload });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
}
