// Starts every service on the embedded default (or whatever .env / the environment says),
// auth first, then the resource services once auth answers, then the example SPA, and prints their URLs.
//   npm start          → node scripts/start.mjs
//   npm run dev        → node scripts/start.mjs --watch   (reload on change)
// Ctrl-C or SIGTERM stops them all gracefully; if one service dies, the others are stopped too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');

if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);

const authPort = process.env.AUTH_PORT ?? '3000';
const tasksPort = process.env.TASKS_PORT ?? '3001';
const authUrl = process.env.AUTH_URL ?? `http://localhost:${authPort}`;
// Where this script probes the services: loopback, unless HOST binds them to one address only.
const host = process.env.HOST?.trim();
const probeHost =
  host === undefined || host === '' || host === '0.0.0.0' || host === '::'
    ? '127.0.0.1'
    : host.includes(':')
      ? `[${host}]`
      : host;

const spaPort = process.env.SPA_PORT ?? '5173';
const vite = fileURLToPath(new URL('bin/vite.js', import.meta.resolve('vite/package.json')));

/** The services in start order; each must answer `ready` before the next starts. */
const services = [
  { name: 'auth', entry: 'services/auth/src/main.ts', url: authUrl, ready: `http://${probeHost}:${authPort}/healthz` },
  {
    name: 'tasks',
    entry: 'services/tasks/src/main.ts',
    url: `http://localhost:${tasksPort}`,
    ready: `http://${probeHost}:${tasksPort}/healthz`,
  },
  // Vite's dev server reloads by itself; it finds the services through TESSERA_AUTH_URL and TESSERA_TASKS_URL.
  {
    name: 'spa',
    args: ['--import', './scripts/exit-with-parent.mjs', vite, '--config', 'examples/spa/vite.config.ts'],
    env: { SPA_PORT: spaPort, TESSERA_AUTH_URL: authUrl, TESSERA_TASKS_URL: `http://localhost:${tasksPort}` },
    url: `http://localhost:${spaPort}`,
    ready: `http://localhost:${spaPort}/`,
  },
];

const colors = { auth: '\x1b[36m', tasks: '\x1b[35m', spa: '\x1b[33m' };
const children = new Map();
let stopping = false;

function prefixLines(name, stream, target) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) target.write(`${colors[name] ?? ''}${name.padEnd(5)}\x1b[0m | ${line}\n`);
  });
}

function start(service) {
  // @tessera/source: the workspace packages that are also published (guard, client) load their source, not a build.
  const node = ['--conditions=@tessera/source', '--import', 'tsx'];
  const args = service.args ?? (watch ? [...node, '--watch', service.entry] : [...node, service.entry]);
  // Its own process group: Ctrl-C in the terminal signals the whole foreground group, and a service that got
  // SIGINT from the terminal and then SIGTERM from stop() would take the second signal as "kill now" mid-drain.
  // So only this script receives terminal signals, and it sends each service exactly one SIGTERM.
  // The IPC channel is how a service learns that this script died, even by SIGKILL: its end closes, and the
  // service shuts down rather than live on as an orphan holding its port (@tessera/server's serve()).
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  prefixLines(service.name, child.stdout, process.stdout);
  prefixLines(service.name, child.stderr, process.stderr);
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(`${service.name} exited (${signal ?? code}); stopping the others`);
      stop(code === 0 ? 1 : (code ?? 1));
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
}

async function waitUntilReady(service, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!children.has(service.name)) return false;
    try {
      const response = await fetch(service.ready, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode || 1), 15_000).unref();
}

// SIGHUP (the terminal closed) too: the services are in their own process groups and would not see it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
// However this script ends, it does not leave services running in their own groups (a no-op after a clean stop).
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGTERM');
});

for (const service of services) {
  start(service);
  if (!(await waitUntilReady(service))) {
    console.error(`${service.name} did not become healthy; stopping`);
    stop(1);
    break;
  }
}

if (!stopping) {
  console.log('\nTessera is running:');
  // The app first: it is what a person opens.
  for (const service of [services.at(-1), ...services.slice(0, -1)]) {
    console.log(
      `  ${service.name.padEnd(6)} ${service.url}${service.entry === undefined ? '' : `   docs ${service.url}/docs`}`,
    );
  }
  console.log(`  JWKS   ${authUrl}/api/auth/jwks\n\nCtrl-C stops everything.\n`);
}
