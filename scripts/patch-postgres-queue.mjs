// Fixes the connection queue of postgres-js 3.4.9 (`src/queue.js`, and its `cjs` and `cf` copies), which every
// install of this repository runs (root `postinstall`, and the Dockerfile after `npm ci --ignore-scripts`).
//
// postgres-js's Queue never removes what `shift()` takes: it leaves a hole and moves a start index, and only
// starts over when the queue runs empty. Its `remove()` then searches the whole array, holes included. A pool
// under steady load never empties its queue of busy connections, so every statement pipelined onto a busy one
// (the tasks service pipelines its reads) adds a hole and scans all earlier ones: the array, and the time each
// statement takes, grow for as long as the load lasts (docs/decisions.md). The fix searches from the start
// index, and compacts the array once at least half of it is holes.
//
//   node scripts/patch-postgres-queue.mjs   → patches the installed files; exits 1 if one is neither the known
//                                              3.4.9 text nor already patched (re-check the fix on an upgrade)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Marks a patched file, so that running the script again changes nothing. */
export const PATCHED_MARKER = '// tessera: scripts/patch-postgres-queue.mjs';

/** postgres-js 3.4.9's Queue, after its first line (`export default Queue` or `module.exports = Queue`). */
const ORIGINAL = `
function Queue(initial = []) {
  let xs = initial.slice()
  let index = 0

  return {
    get length() {
      return xs.length - index
    },
    remove: (x) => {
      const index = xs.indexOf(x)
      return index === -1
        ? null
        : (xs.splice(index, 1), x)
    },
    push: (x) => (xs.push(x), x),
    shift: () => {
      const out = xs[index++]

      if (index === xs.length) {
        index = 0
        xs = []
      } else {
        xs[index - 1] = undefined
      }

      return out
    }
  }
}
`;

/** The fix, as edits of that text: the marker, remove() searching from the start index, shift() compacting. */
const EDITS = [
  [
    `function Queue(initial = []) {`,
    `${PATCHED_MARKER}: remove() searches from the start index, shift() compacts.\nfunction Queue(initial = []) {`,
  ],
  [
    `      const index = xs.indexOf(x)
      return index === -1
        ? null
        : (xs.splice(index, 1), x)`,
    `      const at = xs.indexOf(x, index)
      return at === -1
        ? null
        : (xs.splice(at, 1), x)`,
  ],
  [
    `        xs = []
      } else {`,
    `        xs = []
      } else if (index >= 64 && index * 2 >= xs.length) {
        xs = xs.slice(index)
        index = 0
      } else {`,
  ],
];
const FIXED = EDITS.reduce((text, [before, after]) => text.replace(before, after), ORIGINAL);

/** The three copies of the queue in the postgres-js package. */
export const QUEUE_FILES = ['src/queue.js', 'cjs/src/queue.js', 'cf/src/queue.js'];

/**
 * The fixed text of one queue file: `source` patched, or unchanged if it already is. Throws for any other text,
 * since a different postgres-js may have fixed or changed the queue.
 */
export function patchQueueSource(source) {
  if (source.includes(PATCHED_MARKER)) return source;
  if (!source.includes(ORIGINAL)) throw new Error('not the postgres-js 3.4.9 queue this script knows');
  return source.replace(ORIGINAL, FIXED);
}

/** The installed postgres-js package's folder, as this repository's code resolves it. */
export function postgresPackageDir() {
  const require = createRequire(fileURLToPath(import.meta.url));
  // `postgres` resolves to cjs/src/index.js under the package folder.
  return dirname(dirname(dirname(require.resolve('postgres'))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packageDir = postgresPackageDir();
  for (const file of QUEUE_FILES) {
    const path = join(packageDir, file);
    try {
      const source = readFileSync(path, 'utf8');
      const patched = patchQueueSource(source);
      if (patched !== source) writeFileSync(path, patched);
    } catch (error) {
      console.error(`patch-postgres-queue: ${path}: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
}
