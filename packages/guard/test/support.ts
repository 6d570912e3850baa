/**
 * Test support: real keys, hand-built tokens (so tests can forge any header or payload) and a real
 * JWKS server on an ephemeral port that counts its requests and can be told to fail.
 * Exported as `@tessera/guard/testing`, so the benchmark builds its keys and tokens with the same code.
 */

import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const issuer = 'https://auth.test';
export const audience = 'tessera';
export const secret = 'a-shared-secret-of-at-least-32-bytes!!';

export type TestAlg = 'EdDSA' | 'ES256' | 'RS256';

export type TestKey = {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK, with `kid`, `alg` and `use` as an issuer publishes it. */
  readonly jwk: JsonWebKey;
};

/** A fresh key pair for an algorithm. */
export function generateTestKey(alg: TestAlg, kid: string = randomUUID()): TestKey {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

export function b64url(value: string | Buffer | object): string {
  if (Buffer.isBuffer(value)) return value.toString('base64url');
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Seconds since the epoch, from the (possibly frozen) clock. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Valid claims for a user token, ten minutes long. */
export function userClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: issuer, aud: audience, sub: 'user-1', user_id: 'user-1', iat: now, exp: now + 600, ...overrides };
}

/** Signs `header.payload` bytes with a key as its alg requires (ES256 in IEEE P1363 form). */
export function signBytes(key: TestKey, data: Buffer): Buffer {
  if (key.alg === 'EdDSA') return sign(null, data, key.privateKey);
  if (key.alg === 'ES256') return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return sign('sha256', data, key.privateKey);
}

/**
 * Builds a compact JWS by hand. `payload` may be any string (already JSON or not); `header` defaults to
 * `{ alg, kid, typ }` of the key and is merged with `headerExtra`.
 */
export function signToken(
  key: TestKey,
  payload: Record<string, unknown> | string = userClaims(),
  headerExtra: Record<string, unknown> = {},
): string {
  const header = { alg: key.alg, kid: key.kid, typ: 'JWT', ...headerExtra };
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${b64url(signBytes(key, Buffer.from(input)))}`;
}

/** An HMAC-SHA256 token with any secret bytes and header. */
export function hmacToken(
  key: string | Buffer,
  payload: Record<string, unknown> | string = userClaims(),
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

export type JwksMode = 'ok' | 'error500' | 'garbage' | 'slow' | 'down' | 'empty';

/** A real HTTP JWKS endpoint on 127.0.0.1:<ephemeral>. */
export type JwksServer = {
  readonly url: string;
  /** Every request path seen, in order. */
  readonly requests: string[];
  keys: JsonWebKey[];
  mode: JwksMode;
  /** How long `slow` waits before answering, ms. */
  delay: number;
  close(): Promise<void>;
};

export async function startJwksServer(keys: JsonWebKey[] = []): Promise<JwksServer> {
  const state = { keys, mode: 'ok' as JwksMode, delay: 2_000 };
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
    };
    switch (state.mode) {
      case 'ok':
        return send();
      case 'error500':
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      case 'garbage':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [ not json');
      case 'empty':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": []}');
      case 'down':
        return void req.socket.destroy();
      case 'slow': {
        const timer = setTimeout(send, state.delay);
        res.on('close', () => clearTimeout(timer));
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    requests,
    get keys() {
      return state.keys;
    },
    set keys(value) {
      state.keys = value;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    get delay() {
      return state.delay;
    },
    set delay(value) {
      state.delay = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The `code` a promise rejects with, or `'ok'` when it resolves: tests assert codes, not messages. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : `not a coded error: ${String(error)}`;
  }
}

/** The in-memory list the verifier checks on every request, for the benchmark's measure of that one lookup. */
export { RevocationList } from '../src/revocations/revocation-list.ts';
export type { RevocationServer, RevocationServerMode } from './revocation-server.ts';
export { startRevocationServer } from './revocation-server.ts';
