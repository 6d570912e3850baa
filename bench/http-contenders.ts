/**
 * The contenders of the HTTP benchmark. All but one are the tasks service with something else in its
 * `authenticate` option: the guard rows are `bearerAuth` over the service's own verifier (`createTasksVerifier`,
 * cache on or off as with `TASKS_TOKEN_CACHE`); the others are built here: a fixed principal (the floor),
 * `hono/jwk`, and session delegation to the auth service. The last, the docs' way, is another service altogether
 * (`docs-way-service.ts`).
 */
import type { GuardVariables, Principal, TokenClaims } from '@tessera/guard';
import { HttpProblem, problemJson } from '@tessera/server';
import type { Context, MiddlewareHandler } from 'hono';
import { jwk } from 'hono/jwk';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';

/** The contenders that are the tasks service, each with its own `authenticate` middleware. */
export const tasksServiceContenderIds = [
  'guard-cache',
  'guard-no-cache',
  'no-auth',
  'hono-jwk',
  'session-delegation',
] as const;
export type TasksServiceContenderId = (typeof tasksServiceContenderIds)[number];
export type ContenderId = TasksServiceContenderId | 'docs-way';

/** Which credential a contender's clients send: the user JWT or the signed Better Auth session token. */
export type Credential = 'jwt' | 'session';

export type ContenderSpec = {
  readonly id: ContenderId;
  /** The row name in the report. */
  readonly label: string;
  readonly credential: Credential;
  /** False for the floor, which admits anything; its 401 check is skipped. */
  readonly authenticates: boolean;
  /** One line for the report's method section. */
  readonly description: string;
};

export const contenders: readonly ContenderSpec[] = [
  {
    id: 'guard-cache',
    label: '@tessera/guard (cache)',
    credential: 'jwt',
    authenticates: true,
    description:
      'the tasks service as shipped: `bearerAuth` over its JWKS verifier (`createTasksVerifier`) with the default verified-token cache',
  },
  {
    id: 'guard-no-cache',
    label: '@tessera/guard (no cache)',
    credential: 'jwt',
    authenticates: true,
    description: 'the same with `TASKS_TOKEN_CACHE=off`: every request runs every check and the EdDSA signature',
  },
  {
    id: 'no-auth',
    label: 'no auth (floor)',
    credential: 'jwt',
    authenticates: false,
    description: 'a middleware that sets a fixed principal for the seeded user; the JWT is sent but never read',
  },
  {
    id: 'hono-jwk',
    label: 'hono/jwk (static keys)',
    credential: 'jwt',
    authenticates: true,
    description:
      "`jwk({ keys, alg: ['EdDSA'], verification: { iss, aud } })` with the auth service's JWKS fetched once at start, its payload mapped to a principal",
  },
  {
    id: 'session-delegation',
    label: 'session delegation',
    credential: 'session',
    authenticates: true,
    description:
      'every request forwards the session token to the auth service’s `GET /api/auth/get-session` (bearer plugin) and maps its user',
  },
  {
    id: 'docs-way',
    label: "the docs' way",
    credential: 'jwt',
    authenticates: true,
    description:
      "not the tasks service: a plain Hono app (`docs-way-service.ts`) that verifies with jose's `createRemoteJWKSet` + `jwtVerify` (`iss`, `aud`) on every request, no token cache, and lists with one drizzle `select … where user_id = $sub order by created_at, id limit 21`, no transaction, as the superuser that migrated (no RLS)",
  },
];

/** What the stand-ins need to know about the auth service. */
export type StandInOptions = {
  /** The auth service's URL, also its issuer. */
  authUrl: string;
  /** The audience the tasks service accepts. */
  audience: string;
  /** The seeded user, whom the floor admits every request as. */
  userId: string;
};

type Authenticate = MiddlewareHandler<{ Variables: GuardVariables }>;

/** The middleware for a contender, or `undefined` for the guard rows (`bearerAuth` over the service's own verifier). */
export async function standInFor(
  id: TasksServiceContenderId,
  options: StandInOptions,
): Promise<Authenticate | undefined> {
  switch (id) {
    case 'guard-cache':
    case 'guard-no-cache':
      return undefined;
    case 'no-auth':
      return fixedPrincipal(options);
    case 'hono-jwk':
      return honoJwk(options, await fetchJwks(options.authUrl));
    case 'session-delegation':
      return sessionDelegation(options);
  }
}

/** A user principal as the guard would build it, from claims a stand-in produced or checked itself. */
function userPrincipal(claims: TokenClaims): Principal {
  return Object.freeze({ kind: 'user', subject: claims.sub, userId: claims.sub, scopes: new Set<string>(), claims });
}

function unauthorized(c: Context, detail: string): Response {
  return problemJson(
    c,
    new HttpProblem({
      status: 401,
      code: 'invalid_token',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer realm="tessera", error="invalid_token"' },
    }),
  );
}

function bearerToken(c: Context): string | undefined {
  const header = c.req.header('Authorization');
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** The floor: admits every request as the seeded user without reading any header. */
function fixedPrincipal({ authUrl, audience, userId }: StandInOptions): Authenticate {
  const principal = userPrincipal({ iss: authUrl, sub: userId, aud: audience, exp: Number.MAX_SAFE_INTEGER });
  return async function fixedPrincipal(c, next) {
    c.set('principal', principal);
    await next();
  };
}

/**
 * The auth service's public keys, fetched once. `hono/jwk` with `jwks_uri` would fetch them again on every
 * request (hono 4.13 keeps no JWKS cache), which measures the auth service rather than the verifier.
 */
async function fetchJwks(authUrl: string): Promise<HonoJsonWebKey[]> {
  const response = await fetch(`${authUrl}/api/auth/jwks`);
  if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
  const body = (await response.json()) as { keys?: HonoJsonWebKey[] };
  if (!Array.isArray(body.keys) || body.keys.length === 0) throw new Error('the JWKS has no keys');
  return body.keys;
}

/** The claims a principal needs, if the payload has them with the right types. */
function asClaims(payload: unknown): TokenClaims | undefined {
  const claims = payload as Partial<TokenClaims> | undefined;
  const complete =
    typeof claims?.sub === 'string' &&
    claims.sub !== '' &&
    typeof claims.iss === 'string' &&
    typeof claims.exp === 'number' &&
    claims.aud !== undefined;
  return complete ? (claims as TokenClaims) : undefined;
}

/** `hono/jwk` with static keys (it answers 401 itself by throwing), then its payload mapped to a principal. */
function honoJwk({ authUrl, audience }: StandInOptions, keys: HonoJsonWebKey[]): Authenticate {
  const verify = jwk({ keys, alg: ['EdDSA'], verification: { iss: authUrl, aud: audience } });
  return async function honoJwk(c, next) {
    let payload: unknown;
    await verify(c, async () => {
      payload = (c as Context).get('jwtPayload');
    });
    const claims = asClaims(payload);
    if (claims === undefined) return unauthorized(c, 'The token lacks a required claim');
    c.set('principal', userPrincipal(claims));
    await next();
  };
}

type SessionAnswer = { session?: { expiresAt?: string }; user?: { id?: unknown } } | null;

/**
 * The alternative design: no local verification, the auth service is asked about the session token on
 * every request (one HTTP round trip and one session lookup in its database).
 */
function sessionDelegation({ authUrl, audience }: StandInOptions): Authenticate {
  const sessionUrl = `${authUrl}/api/auth/get-session`;
  return async function sessionDelegation(c, next) {
    const token = bearerToken(c);
    if (token === undefined) return unauthorized(c, 'A bearer session token is required');
    const response = await fetch(sessionUrl, { headers: { authorization: `Bearer ${token}` } });
    const answer = response.ok ? ((await response.json()) as SessionAnswer) : null;
    const userId = answer?.user?.id;
    if (typeof userId !== 'string' || userId === '') return unauthorized(c, 'The session is not valid');
    const expiresAt = Date.parse(answer?.session?.expiresAt ?? '');
    c.set('principal', userPrincipal({ iss: authUrl, sub: userId, aud: audience, exp: Math.floor(expiresAt / 1000) }));
    await next();
  };
}
