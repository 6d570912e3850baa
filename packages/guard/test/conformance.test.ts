/**
 * One table of cases, run against every adapter: the Hono middleware, `verifyRequest` (Web Request), Express
 * and Fastify. Each must admit the same tokens with the same principal, and refuse the rest with the same
 * status, the same RFC 6750 challenge and the same problem+json body, byte for byte.
 */
import type { AddressInfo } from 'node:net';
import type { GuardVariables, Principal, Verifier } from '@tessera/guard';
import { bearerAuth, createVerifier, requireScope, verifyRequest } from '@tessera/guard';
import { bearerAuth as expressBearerAuth, requireScope as expressRequireScope } from '@tessera/guard/express';
import { bearerAuth as fastifyBearerAuth, requireScope as fastifyRequireScope } from '@tessera/guard/fastify';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JwksServer, RevocationServer } from './support.ts';
import {
  audience,
  generateTestKey,
  issuer,
  nowSeconds,
  signToken,
  startJwksServer,
  startRevocationServer,
  userClaims,
} from './support.ts';

/** What each adapter serves: `GET /me` (any valid token) and `GET /reports` (scope `reports:read`). */
type Served = { fetch(path: string, authorization?: string): Promise<Response>; close(): Promise<void> };
type Adapter = { name: string; serve(verifier: Verifier, realm: string | undefined): Promise<Served> };

/** The principal as every adapter's handler answers it, so the table can compare them. */
const view = (principal: Principal) => ({
  kind: principal.kind,
  subject: principal.subject,
  userId: principal.userId ?? null,
  clientId: principal.clientId ?? null,
  scopes: [...principal.scopes].sort(),
});

const headersOf = (authorization?: string): Record<string, string> =>
  authorization === undefined ? {} : { Authorization: authorization };

/** Serves a Node HTTP server on an ephemeral port and talks to it with real requests. */
function overHttp(server: import('node:http').Server, close: () => Promise<void>): Served {
  const { port } = server.address() as AddressInfo;
  return {
    fetch: (path, authorization) => fetch(`http://127.0.0.1:${port}${path}`, { headers: headersOf(authorization) }),
    close,
  };
}

const adapters: Adapter[] = [
  {
    name: 'Hono',
    async serve(verifier, realm) {
      const app = new Hono<{ Variables: GuardVariables }>();
      app.use('*', bearerAuth({ verifier, realm }));
      app.get('/me', (c) => c.json(view(c.var.principal)));
      app.get('/reports', requireScope('reports:read'), (c) => c.json(view(c.var.principal)));
      return {
        fetch: async (path, authorization) => app.request(path, { headers: headersOf(authorization) }),
        close: async () => {},
      };
    },
  },
  {
    name: 'Web Request',
    async serve(verifier, realm) {
      const handler = async (request: Request) => {
        const scopes = new URL(request.url).pathname === '/reports' ? ['reports:read'] : undefined;
        const result = await verifyRequest(request, { verifier, realm, scopes });
        return result.ok ? Response.json(view(result.principal)) : result.response;
      };
      return {
        fetch: async (path, authorization) =>
          handler(new Request(`http://localhost${path}`, { headers: headersOf(authorization) })),
        close: async () => {},
      };
    },
  },
  {
    name: 'Express',
    async serve(verifier, realm) {
      const app = express();
      app.use(expressBearerAuth({ verifier, realm }));
      app.get('/me', (req, res) => void res.json(view(req.principal)));
      app.get(
        '/reports',
        expressRequireScope('reports:read'),
        (_req, res) => void res.json(view(res.locals.principal)),
      );
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      return overHttp(server, () => new Promise<void>((resolve) => server.close(() => resolve())));
    },
  },
  {
    name: 'Fastify',
    async serve(verifier, realm) {
      const app = Fastify();
      await app.register(fastifyBearerAuth, { verifier, realm });
      app.get('/me', async (request) => view(request.principal));
      app.get('/reports', { preHandler: fastifyRequireScope('reports:read') }, async (request) =>
        view(request.principal),
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      return overHttp(app.server, () => app.close());
    },
  },
];

const key = generateTestKey('EdDSA');
const forger = generateTestKey('EdDSA', key.kid);
const now = new Date('2026-06-01T12:00:00Z');

/** Which app a case runs against: good keys, a JWKS that never answers (no keys at all), or a custom realm. */
type Setup = 'keys' | 'no-keys' | 'realm';

type Case = {
  name: string;
  setup?: Setup;
  path?: '/me' | '/reports';
  authorization?: () => string;
  status: number;
  /** The exact `WWW-Authenticate`, or null for none. */
  challenge?: string | null;
  /** The exact problem+json body, or the principal's view on success. */
  body: Record<string, unknown>;
};

/** An `Authorization` header made when the case runs, under the frozen clock. */
const bearer =
  (claims: () => Record<string, unknown> = userClaims, signer = key) =>
  () =>
    `Bearer ${signToken(signer, claims())}`;
const problem = (status: number, title: string, code: string, reason: string, detail: string) => ({
  type: 'about:blank',
  title,
  status,
  detail,
  code,
  reason,
});
const invalidToken = (reason: string, detail: string) => ({
  status: 401,
  challenge: `Bearer realm="tessera", error="invalid_token", error_description="${detail}"`,
  body: problem(401, 'Unauthorized', 'invalid_token', reason, detail),
});

const cases: Case[] = [
  {
    name: 'a valid user token',
    authorization: bearer(),
    status: 200,
    body: { kind: 'user', subject: 'user-1', userId: 'user-1', clientId: null, scopes: [] },
  },
  {
    name: 'a valid service token with the scope',
    path: '/reports',
    authorization: bearer(() =>
      userClaims({
        sub: 'client:reporting',
        user_id: undefined,
        client_id: 'reporting',
        scope: 'reports:read tasks:read',
      }),
    ),
    status: 200,
    body: {
      kind: 'service',
      subject: 'client:reporting',
      userId: null,
      clientId: 'reporting',
      scopes: ['reports:read', 'tasks:read'],
    },
  },
  {
    name: 'no token',
    status: 401,
    challenge: 'Bearer realm="tessera"',
    body: problem(401, 'Unauthorized', 'token_missing', 'token_missing', 'A bearer token is required'),
  },
  {
    name: 'a malformed header',
    authorization: () => `Bearer ${signToken(key)} extra`,
    status: 400,
    challenge:
      'Bearer realm="tessera", error="invalid_request", error_description="The Authorization header is not \\"Bearer <token>\\""',
    body: problem(
      400,
      'Bad Request',
      'invalid_request',
      'header_malformed',
      'The Authorization header is not "Bearer <token>"',
    ),
  },
  {
    name: 'a bad signature',
    authorization: bearer(userClaims, forger),
    ...invalidToken('signature_invalid', 'The token signature is invalid'),
  },
  {
    name: 'an expired token',
    authorization: bearer(() => userClaims({ iat: nowSeconds() - 1200, exp: nowSeconds() - 600 })),
    ...invalidToken('token_expired', 'The token has expired'),
  },
  {
    name: 'a wrong audience',
    authorization: bearer(() => userClaims({ aud: 'billing' })),
    ...invalidToken('audience_mismatch', 'The token audience is not accepted'),
  },
  {
    name: 'a revoked token',
    authorization: bearer(() => userClaims({ sid: 'revoked-session' })),
    ...invalidToken('token_revoked', 'The token has been revoked'),
  },
  {
    name: 'keys unavailable',
    setup: 'no-keys',
    authorization: bearer(),
    status: 503,
    challenge: null,
    body: problem(
      503,
      'Service Unavailable',
      'keys_unavailable',
      'keys_unavailable',
      'The verification keys are unavailable',
    ),
  },
  {
    name: 'insufficient scope',
    path: '/reports',
    authorization: bearer(() => userClaims({ scope: 'tasks:read' })),
    status: 403,
    challenge:
      'Bearer realm="tessera", error="insufficient_scope", error_description="The token lacks a required scope: reports:read", scope="reports:read"',
    body: problem(
      403,
      'Forbidden',
      'insufficient_scope',
      'insufficient_scope',
      'The token lacks a required scope: reports:read',
    ),
  },
  {
    name: 'no token, in a custom realm',
    setup: 'realm',
    status: 401,
    challenge: 'Bearer realm="reports api"',
    body: problem(401, 'Unauthorized', 'token_missing', 'token_missing', 'A bearer token is required'),
  },
  {
    name: 'insufficient scope, in a custom realm',
    setup: 'realm',
    path: '/reports',
    authorization: bearer(),
    status: 403,
    challenge:
      'Bearer realm="reports api", error="insufficient_scope", error_description="The token lacks a required scope: reports:read", scope="reports:read"',
    body: problem(
      403,
      'Forbidden',
      'insufficient_scope',
      'insufficient_scope',
      'The token lacks a required scope: reports:read',
    ),
  },
];

let jwks: JwksServer;
let revocationList: RevocationServer;
let verifiers: Record<'keys' | 'no-keys', Verifier>;

beforeAll(async () => {
  jwks = await startJwksServer();
  jwks.mode = 'error500';
  revocationList = await startRevocationServer();
  revocationList.publish(revocationList.sessionEntry('revoked-session', 86_400 * 365));
  verifiers = {
    keys: createVerifier({
      issuer,
      audience,
      algorithms: ['EdDSA'],
      keys: [key.jwk],
      revocations: { url: revocationList.url },
    }),
    'no-keys': createVerifier({ issuer, audience, algorithms: ['EdDSA'], jwks: { url: jwks.url } }),
  };
  // The revoked-token case needs the list loaded: until then every token is refused as unavailable (fail closed).
  await verifiers.keys.revocations?.ready();
});

afterAll(async () => {
  verifiers['no-keys'].close();
  verifiers.keys.close();
  await jwks.close();
  await revocationList.close();
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now });
});

afterEach(() => {
  vi.useRealTimers();
});

describe.each(adapters)('$name adapter', (adapter) => {
  const served = new Map<Setup, Served>();

  async function app(setup: Setup): Promise<Served> {
    let running = served.get(setup);
    if (running === undefined) {
      running = await adapter.serve(
        verifiers[setup === 'no-keys' ? 'no-keys' : 'keys'],
        setup === 'realm' ? 'reports api' : undefined,
      );
      served.set(setup, running);
    }
    return running;
  }

  afterAll(async () => {
    await Promise.all([...served.values()].map((running) => running.close()));
  });

  it.each(cases)('answers $name with $status', async (testCase) => {
    const response = await (await app(testCase.setup ?? 'keys')).fetch(
      testCase.path ?? '/me',
      testCase.authorization?.(),
    );
    expect(response.status).toBe(testCase.status);
    const body = await response.json();
    expect(body).toEqual(testCase.body);
    if (testCase.status === 200) return;
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBe(testCase.challenge ?? null);
    if (testCase.status === 503) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('every adapter checks its options when it is set up', () => {
  const setups: [string, (options: never) => unknown][] = [
    ['Hono bearerAuth', (options) => bearerAuth(options)],
    ['verifyRequest', (options) => verifyRequest(new Request('http://localhost/'), options)],
    ['Express bearerAuth', (options) => expressBearerAuth(options)],
    ['Fastify bearerAuth', (options) => Fastify().register(fastifyBearerAuth, options).ready()],
  ];
  const mistakes: [string, Record<string, unknown>][] = [
    ['no verifier', {}],
    ['a realm that could break the header', { realm: 'api"\r\nX-Injected: 1' }],
    ['an empty realm', { realm: '' }],
  ];

  it.each(setups.flatMap(([name, setup]) => mistakes.map(([what, options]) => ({ name, setup, what, options }))))(
    '$name refuses $what with guard_config_invalid',
    async ({ setup, options }) => {
      const withVerifier = 'realm' in options ? { verifier: verifiers.keys, ...options } : options;
      await expect(async () => setup(withVerifier as never)).rejects.toMatchObject({ code: 'guard_config_invalid' });
    },
  );

  it.each([
    ['Hono', () => requireScope('a b')],
    ['Express', () => expressRequireScope('a"b')],
    ['Fastify', () => fastifyRequireScope()],
  ])('%s requireScope refuses a scope that is not a scope-token', (_name, make) => {
    expect(make).toThrow(expect.objectContaining({ code: 'guard_config_invalid' }));
  });
});

describe('every adapter reports each outcome once', () => {
  it.each(['Hono', 'Express', 'Fastify'])('%s', async (name) => {
    const codes: string[] = [];
    const onOutcome = (outcome: { code: string }) => void codes.push(outcome.code);
    const verifier = verifiers.keys;
    let served: Served;
    if (name === 'Hono') {
      const app = new Hono().use('*', bearerAuth({ verifier, onOutcome })).get('/me', (c) => c.text('ok'));
      served = {
        fetch: async (path, authorization) => app.request(path, { headers: headersOf(authorization) }),
        close: async () => {},
      };
    } else if (name === 'Express') {
      const app = express()
        .use(expressBearerAuth({ verifier, onOutcome }))
        .get('/me', (_req, res) => void res.send('ok'));
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      served = overHttp(server, () => new Promise<void>((resolve) => server.close(() => resolve())));
    } else {
      const app = Fastify();
      await app.register(fastifyBearerAuth, { verifier, onOutcome });
      app.get('/me', async () => 'ok');
      await app.listen({ port: 0, host: '127.0.0.1' });
      served = overHttp(app.server, () => app.close());
    }
    try {
      await served.fetch('/me', bearer()());
      await served.fetch('/me');
      await served.fetch('/me', 'Bearer');
      await served.fetch('/me', bearer(() => userClaims({ aud: 'billing' }))());
      expect(codes).toEqual(['ok', 'token_missing', 'header_malformed', 'audience_mismatch']);
    } finally {
      await served.close();
    }
  });
});

describe('Fastify scoping', () => {
  it('guards only the scope it is registered in', async () => {
    const app = Fastify();
    app.get('/open', async () => 'open');
    await app.register(async (api) => {
      await api.register(fastifyBearerAuth, { verifier: verifiers.keys });
      api.get('/me', async (request) => request.principal.subject);
    });
    try {
      expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/me' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/me', headers: { authorization: bearer()() } })).body).toBe('user-1');
    } finally {
      await app.close();
    }
  });
});
