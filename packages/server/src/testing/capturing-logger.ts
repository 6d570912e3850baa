import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logger.ts';

/** For tests of services too (`@tessera/server/testing`): a logger whose JSON lines tests can read back: `lines()` parses them, `text()` is the raw output. */
export function capturingLogger(level: 'info' | 'debug' = 'debug'): {
  logger: Logger;
  lines(): Record<string, unknown>[];
  text(): string;
} {
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
