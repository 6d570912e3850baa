/**
 * Benchmark dispatcher: `npm run bench` runs every benchmark of `runWithoutArguments` in turn;
 * `npm run bench -- <name> [flags]` runs one (flags alone go to the guard benchmark).
 * Each benchmark is a module in this folder exporting `main(args)`.
 */
const benchmarks: Readonly<Record<string, string>> = {
  guard: './guard.ts',
  http: './http.ts',
  revocation: './revocation.ts',
  'rls-cost': './rls-cost.ts',
};

/** What a bare `npm run bench` runs, in this order. */
const runWithoutArguments = ['guard', 'http', 'revocation'] as const;

type BenchmarkModule = { main(args: readonly string[]): Promise<void> };

async function run(argv: readonly string[]): Promise<void> {
  if (argv.length === 0) {
    for (const name of runWithoutArguments) await run([name]);
    return;
  }
  const [first = '', ...rest] = argv;
  const named = !first.startsWith('-');
  const name = named ? first : 'guard';
  const file = benchmarks[name];
  if (file === undefined) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}`);
  const module = (await import(new URL(file, import.meta.url).href)) as BenchmarkModule;
  await module.main(named ? rest : argv);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
