import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { PortUnavailableError, type RunningServer, serve } from './serve.ts';
import { capturingLogger } from './testing/index.ts';

type Reply = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** A real HTTP request with node:http (fetch would hide connection handling behind its own pool). */
function get(url: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

const running: RunningServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function startSlowServer(
  options: { slowMs?: number; drainTimeoutMs?: number; onShutdown?: () => Promise<void> } = {},
) {
  const capture = capturingLogger();
  const app = createApp({ service: 'test', logger: capture.logger });
  let started = 0;
  app.get('/slow', async (c) => {
    started++;
    await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 300));
    return c.json({ finished: true });
  });
  const server = await serve(app, {
    port: 0,
    hostname: '127.0.0.1',
    logger: capture.logger,
    handleSignals: false,
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    ...(options.onShutdown === undefined ? {} : { onShutdown: options.onShutdown }),
  });
  running.push(server);
  const waitForStart = async () => {
    while (started === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { server, waitForStart, ...capture };
}

describe('serve', () => {
  it('listens on an ephemeral port and answers at its url', async () => {
    const { server } = await startSlowServer();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const reply = await get(`${server.url}/healthz`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok' });
  });

  it('reports 127.0.0.1 in the url when listening on every interface, and logs the address it is bound to', async () => {
    const { logger, lines } = capturingLogger();
    const server = await serve(createApp({ service: 'test', logger }), { port: 0, logger, handleSignals: false });
    running.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.listening).toBe(`0.0.0.0:${server.port} (every IPv4 interface)`);
    expect(lines()).toContainEqual(
      expect.objectContaining({
        msg: `listening on 0.0.0.0:${server.port} (every IPv4 interface)`,
        address: '0.0.0.0',
      }),
    );
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });

  it('logs a loopback binding as just that', async () => {
    const { logger, lines } = capturingLogger();
    const server = await serve(createApp({ service: 'test', logger }), {
      port: 0,
      hostname: '127.0.0.1',
      logger,
      handleSignals: false,
    });
    running.push(server);
    expect(server.listening).toBe(`127.0.0.1:${server.port}`);
    expect(lines()).toContainEqual(expect.objectContaining({ msg: `listening on 127.0.0.1:${server.port}` }));
  });

  it('rejects options that cannot work, before listening', async () => {
    const { logger } = capturingLogger();
    const app = createApp({ service: 'test', logger });
    await expect(serve(app, { port: 70_000, logger, handleSignals: false })).rejects.toThrow(TypeError);
    await expect(serve(app, { port: 0, logger, handleSignals: false, drainTimeoutMs: -1 })).rejects.toThrow(TypeError);
  });

  it('rejects when the port is taken', async () => {
    const { server } = await startSlowServer();
    const { logger } = capturingLogger();
    const taken = serve(createApp({ service: 'test', logger }), {
      port: server.port,
      hostname: '127.0.0.1',
      logger,
      handleSignals: false,
      portVariable: 'AUTH_PORT',
    });
    await expect(taken).rejects.toBeInstanceOf(PortUnavailableError);
    await expect(taken).rejects.toMatchObject({
      code: 'port_unavailable',
      message: `cannot listen on 127.0.0.1:${server.port}: the port is already in use. Stop what holds it, or set AUTH_PORT to another port.`,
    });
  });

  it('lets a request in flight finish during close, then refuses new connections', async () => {
    const order: string[] = [];
    const { server, waitForStart } = await startSlowServer({
      slowMs: 400,
      onShutdown: async () => void order.push('onShutdown'),
    });
    const inFlight = get(`${server.url}/slow`);
    await waitForStart();
    const closing = server.close().then(() => order.push('closed'));

    await expect(get(`${server.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
    expect(order).toEqual([]); // still draining: onShutdown waits for the request
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ finished: true });
    expect(reply.headers.connection).toBe('close');
    await closing;
    expect(order).toEqual(['onShutdown', 'closed']);
  });

  it('waits for the handler of a request whose client went away before running onShutdown', async () => {
    const order: string[] = [];
    const { logger } = capturingLogger();
    const app = createApp({ service: 'test', logger });
    let handlerStarted = false;
    app.get('/slow', async (c) => {
      handlerStarted = true;
      await new Promise((resolve) => setTimeout(resolve, 400));
      order.push('handler finished'); // e.g. its last query, on the database onShutdown closes
      return c.json({ finished: true });
    });
    const server = await serve(app, {
      port: 0,
      hostname: '127.0.0.1',
      logger,
      handleSignals: false,
      onShutdown: async () => void order.push('onShutdown'),
    });
    running.push(server);

    const request = httpRequest(`${server.url}/slow`);
    request.on('error', () => {}); // the abort below
    request.end();
    while (!handlerStarted) await new Promise((resolve) => setTimeout(resolve, 5));
    request.destroy(); // the client gives up: its socket and the server's response close now
    await new Promise((resolve) => setTimeout(resolve, 50));

    await server.close();
    expect(order).toEqual(['handler finished', 'onShutdown']);
  });

  it('does not wait for idle keep-alive connections', async () => {
    const { server } = await startSlowServer();
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await get(`${server.url}/healthz`, agent)).status).toBe(200);
      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(1_000); // not the 5 s keep-alive timeout
    } finally {
      agent.destroy();
    }
  });

  it('closes a keep-alive connection whose response was already streaming when shutdown began', async () => {
    const { logger } = capturingLogger();
    const app = createApp({ service: 'test', logger });
    let finish = () => {};
    app.get('/stream', (c) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first,'));
          finish = () => {
            controller.enqueue(new TextEncoder().encode('last'));
            controller.close();
          };
        },
      });
      return c.body(body, 200, { 'Content-Type': 'text/plain' });
    });
    const server = await serve(app, { port: 0, hostname: '127.0.0.1', logger, handleSignals: false });
    running.push(server);
    const agent = new Agent({ keepAlive: true });
    try {
      let headSeen = () => {};
      const streaming = new Promise<void>((resolve) => (headSeen = resolve));
      const reply = new Promise<Reply>((resolve, reject) => {
        const request = httpRequest(`${server.url}/stream`, { agent }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString();
            if (body === 'first,') headSeen();
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end();
      });
      await streaming;

      const started = Date.now();
      const closing = server.close();
      finish();
      expect((await reply).body).toBe('first,last');
      expect((await reply).headers.connection).toBe('keep-alive'); // the head went out before shutdown
      await closing;
      expect(Date.now() - started).toBeLessThan(1_000); // the idle socket was closed, not left to its 5 s timeout
    } finally {
      agent.destroy();
    }
  });

  it('cuts requests still running after drainTimeoutMs', async () => {
    const { server, waitForStart, lines } = await startSlowServer({ slowMs: 5_000, drainTimeoutMs: 200 });
    const inFlight = get(`${server.url}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await waitForStart();
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await inFlight).toBe('cut');
    expect(lines().some((line) => String(line.msg).startsWith('drain timeout'))).toBe(true);
  });

  it('cuts a connection that never finishes sending its request after drainTimeoutMs', async () => {
    const { server } = await startSlowServer({ drainTimeoutMs: 300 });
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // headers never end
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const started = Date.now();
    await server.close();
    await socketClosed;
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('shares one shutdown between concurrent close() calls', async () => {
    let shutdowns = 0;
    const { server } = await startSlowServer({ onShutdown: async () => void shutdowns++ });
    await Promise.all([server.close(), server.close()]);
    await server.close();
    expect(shutdowns).toBe(1);
  });

  it('installs SIGTERM and SIGINT handlers and removes them on close', async () => {
    const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const { logger } = capturingLogger();
    const server = await serve(createApp({ service: 'test', logger }), { port: 0, hostname: '127.0.0.1', logger });
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    await server.close();
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
    expect(process.listenerCount('SIGINT')).toBe(before.int);
  });

  /** Starts fixtures/slow-server.ts with tsx in its own process and waits for its URL. */
  async function startFixture(env: Record<string, string>, options: { ipc?: boolean } = {}) {
    const fixture = fileURLToPath(new URL('./fixtures/slow-server.ts', import.meta.url));
    const stdio =
      options.ipc === true ? (['ignore', 'pipe', 'pipe', 'ipc'] as const) : (['ignore', 'pipe', 'pipe'] as const);
    const child = spawn(process.execPath, ['--conditions=@tessera/source', '--import', 'tsx', fixture], {
      env: { ...process.env, ...env },
      stdio: [...stdio],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const reportedUrl = () => /^listening (http\S+)/m.exec(stdout + stderr)?.[1];
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = reportedUrl();
        if (found !== undefined) resolve(found);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = reportedUrl();
        if (found !== undefined) resolve(found);
      });
      child.on('exit', () => reject(new Error(`fixture exited early: ${stderr}`)));
    });
    return { child, url, exited, stdout: () => stdout, stderr: () => stderr };
  }

  it('finishes the request in flight on SIGTERM, runs onShutdown and exits 0', async () => {
    const { child, url, exited, stdout } = await startFixture({ SLOW_MS: '600' });
    const inFlight = get(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the request is now running in the child
    child.kill('SIGTERM');

    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ finished: true });
    expect(await exited).toBe(0);
    expect(stdout()).toContain('onShutdown');
  });

  it('exits 1 on SIGINT when onShutdown fails, logging why', async () => {
    const { child, exited, stderr } = await startFixture({ FAIL_SHUTDOWN: '1' });
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr()).toContain('shutdown failed');
    expect(stderr()).toContain('database close failed');
  });

  it('exits on one SIGTERM when nobody reads its log any more (stdout closed under it)', async () => {
    const { child, exited } = await startFixture({ LOG_TO_STDOUT: '1' });
    child.stdout?.destroy(); // as when `npm start` is killed: writes to stdout now fail with EPIPE
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('shuts down and exits 0 when the parent that started it with an IPC channel dies', async () => {
    const { child, url, exited, stdout } = await startFixture({ SLOW_MS: '300' }, { ipc: true });
    const inFlight = get(`${url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the request is now running in the child
    child.disconnect(); // what the child sees when its parent is SIGKILLed: the channel closes
    expect((await inFlight).status).toBe(200);
    expect(await exited).toBe(0);
    expect(stdout()).toContain('onShutdown');
  });
});
