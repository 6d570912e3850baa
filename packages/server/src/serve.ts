import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { OperatorError } from '@tessera/config';
import type { Logger } from './logger.ts';

/** Anything with Hono's `fetch`: the app from `createApp`, or any Hono app. */
export type FetchApp = { fetch: (request: Request, env: HttpBindings) => Response | Promise<Response> };

/** Options of {@link serve}. */
export type ServeOptions = {
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** Interface to listen on. Default `0.0.0.0`. */
  hostname?: string;
  /** The setting that chose `port` (e.g. `AUTH_PORT`), named when the port is taken. */
  portVariable?: string;
  /** Logs listening and shutdown. */
  logger: Logger;
  /** Runs when shutdown begins, before the drain: end long-held responses (long polls) so the drain need not wait for them. */
  onDrain?: () => void;
  /** Runs once every request's handler has settled (even one whose client went away), e.g. `() => database.close()`. */
  onShutdown?: () => Promise<void>;
  /**
   * Shut down gracefully on SIGTERM and SIGINT, and when the parent's IPC channel closes (it died), then exit 0
   * (1 if `onShutdown` failed). Default true.
   */
  handleSignals?: boolean;
  /** How long in-flight requests may take to finish before their connections are cut and shutdown goes on. Default 10 000 ms. */
  drainTimeoutMs?: number;
};

/** A listening server. `close()` shuts it down gracefully without exiting; calling it again waits for the same shutdown. */
export type RunningServer = {
  /** Where this machine reaches it: loopback when it listens on every interface. */
  url: string;
  port: number;
  /** What it is bound to, as the OS reports it: `0.0.0.0:3000 (every IPv4 interface)`, `127.0.0.1:3000`. */
  listening: string;
  close(): Promise<void>;
};

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** While draining, how often sockets that went idle are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * Serves the app over HTTP/1.1. Shutting down (on a signal or `close()`) stops accepting connections, lets
 * the requests in flight finish (closing idle keep-alive sockets so they do not hold the server open),
 * cuts what is left after `drainTimeoutMs`, then runs `onShutdown`.
 */
export async function serve(app: FetchApp, options: ServeOptions): Promise<RunningServer> {
  const {
    port,
    hostname = '0.0.0.0',
    logger,
    onDrain,
    onShutdown,
    handleSignals = true,
    drainTimeoutMs = 10_000,
  } = options;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535))
    throw new TypeError('serve: port must be an integer from 0 to 65535');
  if (!(Number.isFinite(drainTimeoutMs) && drainTimeoutMs >= 0))
    throw new TypeError('serve: drainTimeoutMs must be a number of milliseconds');
  // In flight means "the app's handler has not settled", not "the response is open": a client that disconnects
  // closes its response at once while the handler may still be using the database that onShutdown closes.
  const handlers = new HandlerTracker();
  const server = createAdaptorServer({
    fetch: (request, env) =>
      handlers.track(() => app.fetch(request, env as HttpBindings), (env as HttpBindings).outgoing),
    port,
    hostname,
  }) as Server;

  try {
    await listen(server, port, hostname);
  } catch (error) {
    throw listenProblem(error, hostname, port, options.portVariable);
  }
  // Past listen, a server error (e.g. EMFILE on accept) is logged; unhandled it would crash the process.
  server.on('error', (error) => logger.error({ err: error }, 'server error'));
  const bound = server.address() as AddressInfo;
  const boundPort = bound.port;
  const url = `http://${urlHost(hostname)}:${boundPort}`;
  const listening = describeBinding(bound);
  logger.info({ address: bound.address, port: boundPort, url }, `listening on ${listening}`);

  async function shutdown(): Promise<void> {
    handlers.draining = true;
    removeSignalHandlers();
    logger.info({ inFlight: handlers.running }, 'shutting down: no new connections, draining requests in flight');
    // Resolves once every connection is gone: in-flight requests answered, idle keep-alive sockets closed.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle sockets are closed now. Responses finished from here on say `Connection: close` (`track`); one whose head
    // was already out when shutdown began leaves its socket idle when it ends, and the next sweep closes it.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    onDrain?.();

    // Whatever still runs after the drain timeout (a slow request, a half-sent one) is cut, and shutdown goes on.
    let cut: NodeJS.Timeout | undefined;
    const drainTimeout = new Promise<'timeout'>((resolve) => {
      cut = setTimeout(() => resolve('timeout'), drainTimeoutMs);
    });
    const drained = Promise.all([closed, handlers.settled()]).then(() => 'drained' as const);
    try {
      if ((await Promise.race([drained, drainTimeout])) === 'timeout') {
        logger.warn(
          { inFlight: handlers.running, drainTimeoutMs },
          'drain timeout: closing connections with requests still in flight',
        );
        server.closeAllConnections();
        await closed;
      }
    } finally {
      clearTimeout(cut);
      clearInterval(sweep);
    }
    if (onShutdown !== undefined) await onShutdown();
    logger.info('shut down');
  }

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shutdown());

  function onSignal(signal: NodeJS.Signals | 'disconnect'): void {
    logger.info({ signal }, signal === 'disconnect' ? 'parent process gone (IPC channel closed)' : 'signal received');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }
  function removeSignalHandlers(): void {
    // After the first signal a second one gets the default action: a stuck shutdown can still be killed.
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    process.off('disconnect', onDisconnect);
  }
  // Started with an IPC channel (scripts/start.mjs does): the parent's end closes when it dies, even by SIGKILL,
  // and a service left running in its own process group would hold its port as an orphan.
  function onDisconnect(): void {
    onSignal('disconnect');
  }
  if (handleSignals) {
    for (const signal of SHUTDOWN_SIGNALS) process.once(signal, onSignal);
    if (process.channel !== undefined) process.once('disconnect', onDisconnect);
  }

  return { url, port: boundPort, listening, close };
}

/**
 * Counts the app's handlers that have not settled yet, and tells when none is left. Nothing is kept per request:
 * a Set of open responses, with a 'close' listener on each, cost the process ~2 KB of promoted garbage per request
 * under load (docs/decisions.md, "`serve()` keeps nothing per response").
 */
class HandlerTracker {
  running = 0;
  /** Shutdown has begun: every response whose handler settles from now on closes its connection. */
  draining = false;
  #waiters: (() => void)[] = [];

  /**
   * Calls `handle` and counts it as running until the response (or the error) it returns has settled. While
   * draining, `outgoing` then gets `Connection: close`: @hono/node-server writes the head only after this settles,
   * and Node closes a keep-alive connection once such a response is sent.
   */
  async track(handle: () => Response | Promise<Response>, outgoing: ServerResponse): Promise<Response> {
    this.running++;
    try {
      return await handle();
    } finally {
      if (this.draining) closeAfterResponse(outgoing);
      this.running--;
      if (this.running === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    }
  }

  /** Resolves when no handler is running. */
  settled(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

function closeAfterResponse(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('Connection', 'close');
}

function listen(server: Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, hostname, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * A port that is taken or not allowed becomes an `OperatorError`: entry points print its one line, no stack trace,
 * and exit 1. Anything else is returned as it is.
 */
function listenProblem(error: unknown, hostname: string, port: number, portVariable: string | undefined): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const why = code === 'EADDRINUSE' ? 'the port is already in use' : 'this user may not listen on that port';
  const fix = portVariable === undefined ? 'choose another port' : `set ${portVariable} to another port`;
  return new PortUnavailableError(
    `cannot listen on ${urlHost(hostname)}:${port}: ${why}. Stop what holds it, or ${fix}.`,
  );
}

/** The port could not be bound (`port_unavailable`): in use, or privileged. */
export class PortUnavailableError extends OperatorError {
  constructor(message: string) {
    super('port_unavailable', message);
    this.name = 'PortUnavailableError';
  }
}

/** The bound address and port as the OS reports them, saying so when that means every interface. */
function describeBinding({ address, port }: AddressInfo): string {
  const host = address.includes(':') ? `[${address}]` : address;
  if (address === '0.0.0.0') return `${host}:${port} (every IPv4 interface)`;
  if (address === '::') return `${host}:${port} (every interface)`;
  return `${host}:${port}`;
}

/** A host to reach the server at: loopback when it listens on every interface. */
function urlHost(hostname: string): string {
  if (hostname === '0.0.0.0' || hostname === '::' || hostname === '') return '127.0.0.1';
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}
