import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

type PatchScript = {
  PATCHED_MARKER: string;
  QUEUE_FILES: string[];
  patchQueueSource: (source: string) => string;
  postgresPackageDir: () => string;
};
type Queue<T> = { readonly length: number; push: (x: T) => T; shift: () => T | undefined; remove: (x: T) => T | null };

const script = (await import(pathToFileURL(fileURLToPath(new URL('../../../scripts/patch-postgres-queue.mjs', import.meta.url))).href)) as PatchScript;
const packageDir = script.postgresPackageDir();

// The pool's statement placement (and the tasks service's pipelined reads) depend on this fix being installed.
describe("postgres-js's connection queue", () => {
  it('is patched in every copy the package ships', () => {
    for (const file of script.QUEUE_FILES) expect(readFileSync(join(packageDir, file), 'utf8'), file).toContain(script.PATCHED_MARKER);
  });

  it('is patched once, and any other queue text is refused rather than guessed at', () => {
    const patched = readFileSync(join(packageDir, 'src/queue.js'), 'utf8');
    expect(script.patchQueueSource(patched)).toBe(patched);
    expect(() => script.patchQueueSource('export default function Queue() {}')).toThrow(/not the postgres-js 3.4.9 queue/);
  });

  it('stays first in, first out while it never runs empty, across compactions', async () => {
    const { default: Queue } = (await import(pathToFileURL(join(packageDir, 'src/queue.js')).href)) as { default: <T>(initial?: T[]) => Queue<T> };
    // The busy connections of a loaded pool: taken and put back, never all at once.
    const queue = Queue<string>(['a', 'b', 'c']);
    const taken: string[] = [];
    for (let round = 0; round < 1_000; round += 1) {
      const connection = queue.shift()!;
      taken.push(connection);
      queue.push(connection);
    }
    expect(taken).toEqual(Array.from({ length: 1_000 }, (_, round) => 'abc'[round % 3]));
    expect(queue.length).toBe(3);
    expect(queue.remove('x')).toBeNull();
    expect(queue.remove('a')).toBe('a');
    expect([queue.shift(), queue.shift(), queue.length]).toEqual(['b', 'c', 0]);
  });
});
