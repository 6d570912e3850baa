import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

let echo: Server;
let proxy: TcpProxy;

beforeEach(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
});
afterEach(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** Connects through the proxy; resolves with the socket, or rejects when the connection is refused. */
function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `text` and resolves with the first answer, or `'closed'` when the connection ends first. */
function roundTrip(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    socket.once('close', () => resolve('closed'));
    socket.write(text);
  });
}

describe('startTcpProxy', () => {
  it('forwards both ways', async () => {
    const socket = await open();
    expect(await roundTrip(socket, 'ping')).toBe('ping');
    socket.destroy();
  });

  it('cuts every connection and refuses new ones until restored on the same port', async () => {
    const socket = await open();
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await proxy.cut();
    await closed;
    await expect(open()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.restore();
    const again = await open();
    expect(await roundTrip(again, 'back')).toBe('back');
    again.destroy();
  });

  it('drops the one connection whose client sends a matching chunk', async () => {
    const socket = await open();
    proxy.dropWhen((chunk) => chunk.toString() === 'COMMIT');
    expect(await roundTrip(socket, 'COMMIT')).toBe('closed');
    const next = await open();
    expect(await roundTrip(next, 'COMMIT')).toBe('COMMIT');
    next.destroy();
  });
});
