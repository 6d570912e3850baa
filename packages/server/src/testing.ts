import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from './logger.ts';

/** For tests of services too (`@tessera/server/testing`): a logger whose JSON lines tests can read back: `lines()` parses them, `text()` is the raw output. */
export function capturingLogger(level: 'info' | 'debug' = 'debug'): { logger: Logger; lines(): Record<string, unknown>[]; text(): string } {
  let output = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output += chunk.toString();
      callback();
    },
  });
  const logger = createLogger({ service: 'test', level, destination });
  return {
    logger,
    text: () => output,
    lines: () =>
      output
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A loopback port with nothing listening on it right now: taken from the OS, then released. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
