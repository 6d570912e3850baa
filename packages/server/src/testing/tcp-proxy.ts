import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy, say in front of a database, so a test can take the database away the way a network or a
 * failover does: `cut()` drops every connection and refuses new ones, `stall()` keeps connections open but
 * stops forwarding (a database that no longer answers), `dropWhen()` kills the one connection whose client
 * sends a matching chunk (say, the COMMIT of a transaction), `restore()` brings it all back on the same port.
 */
export type TcpProxy = {
  port: number;
  cut(): Promise<void>;
  stall(): void;
  /**
   * Until it matches once: the first client chunk for which `matches` is true is not forwarded and its connection
   * dies. A number instead of `true` forwards that many bytes of the chunk first (a pipelined chunk cut in the middle).
   */
  dropWhen(matches: (chunk: Buffer) => boolean | number): void;
  restore(): Promise<void>;
  close(): Promise<void>;
};

/** Starts a proxy on an ephemeral port of 127.0.0.1 that forwards to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  let dropMatcher: ((chunk: Buffer) => boolean | number) | undefined;
  let server: Server | undefined;

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = createConnection(target);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.on('data', (chunk: Buffer) => {
          const drop = dropMatcher?.(chunk) ?? false;
          if (drop !== false) {
            dropMatcher = undefined;
            const die = () => {
              client.destroy();
              upstream.destroy();
            };
            if (typeof drop === 'number' && drop > 0) upstream.write(chunk.subarray(0, drop), die);
            else die();
            return;
          }
          if (!stalled) upstream.write(chunk);
        });
        upstream.on('data', (chunk) => (stalled ? undefined : client.write(chunk)));
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        resolve((next.address() as AddressInfo).port);
      });
    });

  const stop = async () => {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  const port = await listen(0);
  return {
    port,
    cut: stop,
    stall: () => {
      stalled = true;
    },
    dropWhen: (matches) => {
      dropMatcher = matches;
    },
    restore: async () => {
      stalled = false;
      if (server === undefined) await listen(port);
    },
    close: stop,
  };
}
