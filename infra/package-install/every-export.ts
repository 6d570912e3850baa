// Uses every export of the packed packages, so a fresh project's `tsc` (strict, module NodeNext) checks all of
// their declarations. Compiled by package-install.test.ts, never run.

import {
  authFetch,
  type BrowserSession,
  type BrowserSessionOptions,
  browserSession,
  type ClientCredentialsOptions,
  ClientError,
  type ClientErrorCode,
  clientCredentials,
  type Fetch,
  InvalidResponseError,
  type NativeSession,
  type NativeSessionOptions,
  nativeSession,
  OAuthError,
  type RefreshOptions,
  RequestFailedError,
  type SessionStorage,
  type SessionUser,
  SignedOutError,
  type SignedOutListener,
  type TokenSource,
  TokenUnavailableError,
} from '@tessera/client';
import { nativeFetch } from '@tessera/client/node';
import {
  type Algorithm,
  authChallenge,
  type BearerAuthOptions,
  type BearerChallengeOptions,
  bearerAuth,
  bearerChallenge,
  type CacheOptions,
  createVerifier,
  DEFAULT_REALM,
  GuardConfigError,
  GuardError,
  type GuardErrorCode,
  type GuardOutcome,
  type GuardVariables,
  guardErrorDescriptions,
  isAlgorithm,
  type JwksOptions,
  MAX_PROBLEM_ERRORS,
  PROBLEM_CONTENT_TYPE,
  type Principal,
  type ProblemAnswer,
  type ProblemBody,
  type ProblemDetails,
  type ProblemFieldError,
  problemAnswer,
  problemBody,
  problemCodeForStatus,
  problemTitleForStatus,
  type RequestVerification,
  type RevocationStatus,
  type RevocationsOptions,
  requireScope,
  type StaticKeys,
  serviceSubjectPrefix,
  type TokenClaims,
  type Verifier,
  type VerifierOptions,
  type VerifyRequestOptions,
  verifyRequest,
} from '@tessera/guard';
import type { ExpressBearerAuthOptions } from '@tessera/guard/express';
import * as guardExpress from '@tessera/guard/express';
import type { FastifyBearerAuthOptions } from '@tessera/guard/fastify';
import * as guardFastify from '@tessera/guard/fastify';
// @ts-expect-error The test support is not part of the published package.
import type * as testing from '@tessera/guard/testing';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { hc } from 'hono/client';

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assert = <T extends true>(): T => true as T;

const algorithm: Algorithm = 'EdDSA';
const cache: CacheOptions = { max: 100, maxTtl: 60_000 };
const jwks: JwksOptions = { url: 'https://auth.example/api/auth/jwks', cooldown: 30_000 };
const keys: StaticKeys = { keys: [] };
const revocations: RevocationsOptions = {
  url: 'https://auth.example/api/auth/revocations',
  wait: 20,
  onError: (error: Error) => void error.message,
};
const options: VerifierOptions = {
  issuer: 'https://auth.example',
  audience: 'tessera',
  algorithms: [algorithm],
  jwks,
  cache,
  revocations,
};
const verifier: Verifier = createVerifier(options);
const revocationStatus: RevocationStatus | undefined = verifier.revocations;
void [keys, revocationStatus?.ready(), revocationStatus?.age(), revocationStatus?.size()];

// The problem+json core every Tessera service answers with
const fieldError: ProblemFieldError = { path: 'title', message: 'Required' };
const problem: ProblemDetails = {
  status: 422,
  code: problemCodeForStatus(422),
  title: problemTitleForStatus(422),
  detail: 'Invalid body',
  errors: [fieldError],
};
const body: ProblemBody = problemBody(problem);
const challengeOptions: BearerChallengeOptions = { realm: DEFAULT_REALM, error: 'insufficient_scope', scope: 'a' };
const answer: ProblemAnswer = problemAnswer(problem, { 'www-authenticate': bearerChallenge(challengeOptions) });
void [body, answer.status, authChallenge('Bearer', { realm: DEFAULT_REALM }), PROBLEM_CONTENT_TYPE, MAX_PROBLEM_ERRORS];

const code: GuardErrorCode = new GuardError('token_expired').code;
const description: string = guardErrorDescriptions[code];
const configCode: 'guard_config_invalid' = new GuardConfigError('bad').code;
const known: boolean = isAlgorithm('ES256');
const prefix: string = serviceSubjectPrefix;
void [description, configCode, known, prefix];

const describe = (principal: Principal): string => {
  const claims: TokenClaims = principal.claims;
  return `${principal.kind}:${principal.subject}:${principal.userId ?? principal.clientId}:${[...principal.scopes].join(' ')}:${String(claims.exp)}`;
};

// Hono
const honoOptions: BearerAuthOptions = {
  verifier,
  realm: 'api',
  onOutcome: (outcome: GuardOutcome) => void outcome.code,
};
const app = new Hono<{ Variables: GuardVariables }>();
app.use('*', bearerAuth(honoOptions));
const routes = app.get('/me', requireScope('a', 'b'), (c) => c.text(describe(c.var.principal)));

// Web Request
const requestOptions: VerifyRequestOptions = { verifier, realm: 'api', scopes: ['a'] };
export async function GET(request: Request): Promise<Response> {
  const result: RequestVerification = await verifyRequest(request, requestOptions);
  if (!result.ok) return result.response;
  return new Response(describe(result.principal));
}

// Express: the principal on req and res.locals
const expressOptions: ExpressBearerAuthOptions = {
  verifier,
  onOutcome: (outcome: guardExpress.GuardOutcome, req) => void [outcome, req.path],
};
express()
  .use(guardExpress.bearerAuth(expressOptions))
  .get('/me', guardExpress.requireScope('a'), (req, res) => {
    assert<Exact<typeof req.principal, Principal>>();
    res.send(describe(res.locals.principal));
  });

// Fastify: the principal on request, through declaration merging
const fastifyOptions: FastifyBearerAuthOptions = {
  verifier,
  realm: 'api',
  onOutcome: (outcome: guardFastify.GuardOutcome, request) => void [outcome, request.url],
};
const fastify = Fastify();
await fastify.register(guardFastify.bearerAuth, fastifyOptions);
fastify.get('/me', { preHandler: guardFastify.requireScope('a') }, async (request) => {
  assert<Exact<typeof request.principal, Principal>>();
  return describe(request.principal);
});

// @tessera/client: a browser, a native and a service caller, each through authFetch and hono/client
const timing: RefreshOptions = { refreshMargin: 30_000, retries: 1, retryDelay: 250, now: Date.now };
const onSignedOut: SignedOutListener = (error: SignedOutError) => void error.code;
const browserOptions: BrowserSessionOptions = { ...timing, authUrl: 'https://auth.example', leaderTimeout: 1_000 };
const browser: BrowserSession = browserSession(browserOptions);
const unsubscribe: () => void = browser.onSignedOut(onSignedOut);
const storage: SessionStorage = { get: () => null, set: () => undefined, delete: async () => undefined };
const nodeFetch: Fetch = nativeFetch;
const nativeOptions: NativeSessionOptions = { authUrl: 'https://auth.example', storage, fetch: nodeFetch };
const native: NativeSession = nativeSession(nativeOptions);
const user: SessionUser = await native.signIn({ email: 'ada@example.com', password: 'a long passphrase' });
const serviceOptions: ClientCredentialsOptions = {
  tokenUrl: 'https://auth.example/api/auth/oauth2/token',
  clientId: 'id',
  clientSecret: 'secret',
  scope: ['a', 'b'],
  audience: 'tessera',
};
const service: TokenSource = clientCredentials(serviceOptions);
const jwt: string = await service.token();
const api = hc<typeof routes>('https://api.example', { fetch: authFetch(native, nodeFetch) });
const me: Response = await api.me.$get();
void [
  unsubscribe,
  user,
  jwt,
  me,
  browser.signOut(),
  browser.close(),
  native.hasSession(),
  native.signUp({ name: 'Ada', email: 'ada@example.com', password: 'a long passphrase' }),
];

const readable = (error: unknown): string => {
  if (error instanceof OAuthError) return `${error.error} ${error.status} ${error.description ?? ''}`;
  if (error instanceof RequestFailedError) return `${error.status} ${error.problemCode ?? ''}`;
  if (error instanceof TokenUnavailableError) return String(error.status);
  if (error instanceof InvalidResponseError || error instanceof SignedOutError) return error.message;
  if (error instanceof ClientError) {
    const clientCode: ClientErrorCode = error.code;
    return clientCode;
  }
  return 'unknown';
};
void readable;

export type { testing };
