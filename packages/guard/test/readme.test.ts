// The README's framework examples are the files in examples/, which infra/package-install.test.ts compiles and
// runs from the packed tarball: each block marked `<!-- example: examples/<file> -->` must quote its file exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packageDir = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', packageDir), 'utf8');
const quoted = [...readme.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)\n```/g)].map(([, file, code]) => ({
  file: file ?? '',
  code: code ?? '',
}));

describe('README examples', () => {
  it('quotes every example once: Hono, Express, Fastify and a Web Request handler', () => {
    expect(quoted.map(({ file }) => file).sort()).toEqual([
      'examples/express.ts',
      'examples/fastify.ts',
      'examples/hono.ts',
      'examples/web-request.ts',
    ]);
  });

  it.each(quoted)('quotes $file exactly', ({ file, code }) => {
    expect(code).toBe(readFileSync(new URL(file, packageDir), 'utf8').trimEnd());
  });
});
