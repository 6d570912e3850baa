import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the test issuer answers: normally, or failing in one of the ways a real one can. */
export type RevocationServerMode = 'ok' | 'error500' | 'garbage' | 'down';

/** A revocation list endpoint as the auth service serves it, on 127.0.0.1:<ephemeral>, for tests and benchmarks. */
export type RevocationServer = {
  readonly url: string;
  /** Every request's path and query, in order. */
  readonly requests: string[];
  /** Long polls being held right now. */
  readonly waiting: number;
  mode: RevocationServerMode;
  /** Adds entries (any JSON, malformed ones included) and answers the long polls at once. */
  publish(...entries: unknown[]): void;
  /** `{ sid, revoked_at, expires_at }` for a session revoked now, kept `retentionSeconds`. */
  sessionEntry(sid: string, retentionSeconds?: number): Record<string, unknown>;
  close(): Promise<void>;
};

/**
 * Speaks the protocol of `GET /api/auth/revocations`: the whole list without `after`; with `after=<cursor>`,
 * what came after it, held up to `wait` seconds when there is nothing yet; a foreign cursor gets the whole list.
 */
export async function startRevocationServer(initial: unknown[] = []): Promise<RevocationServer> {
  const feedId = `test${Math.random().toString(36).slice(2, 8)}`;
  const log: { version: number; entry: unknown }[] = initial.map((entry) => ({ version: 1, entry }));
  let version = initial.length > 0 ? 1 : 0;
  let mode: RevocationServerMode = 'ok';
  const requests: string[] = [];
  const waiters = new Set<() => void>();

  const answer = (res: ServerResponse, after: number | undefined) => {
    if (res.destroyed) return;
    const entries = log.filter((logged) => after === undefined || logged.version > after).map((logged) => logged.entry);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cursor: `${feedId}.${version}`, complete: after === undefined, revocations: entries }));
  };

  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (mode === 'down') return void req.socket.destroy();
    if (mode === 'error500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    if (mode === 'garbage')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"cursor": [ not json');
    const query = new URL(req.url ?? '/', 'http://test').searchParams;
    const cursor = query.get('after');
    const [id, at] = (cursor ?? '').split('.');
    const after = cursor !== null && id === feedId ? Number(at) : undefined;
    const wait = Number(query.get('wait') ?? 0);
    if (after === undefined || after < version || wait <= 0) return answer(res, after);
    const wake = () => {
      clearTimeout(timer);
      waiters.delete(wake);
      answer(res, after);
    };
    const timer = setTimeout(wake, wait * 1000);
    waiters.add(wake);
    res.on('close', () => {
      clearTimeout(timer);
      waiters.delete(wake);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/auth/revocations`,
    requests,
    get waiting() {
      return waiters.size;
    },
    get mode() {
      return mode;
    },
    set mode(value) {
      mode = value;
      // A failing issuer fails its held requests too, as a restarting process drops its connections.
      if (value !== 'ok') server.closeAllConnections();
    },
    publish(...entries) {
      version++;
      for (const entry of entries) log.push({ version, entry });
      for (const wake of [...waiters]) wake();
    },
    sessionEntry(sid, retentionSeconds = 930) {
      const now = Math.floor(Date.now() / 1000);
      return { sid, revoked_at: now, expires_at: now + retentionSeconds };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
