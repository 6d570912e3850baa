// The Python example against the real auth service: Debian's /usr/bin/python3 runs app.py (FastAPI, PyJWT) in JWKS
// mode, in secret mode, and with the auth service unreachable. Skipped, loudly, when that interpreter lacks the modules.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestAuthService, type TestAuthService } from '@tessera/auth/testing';
import { unusedPort } from '@tessera/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const python = '/usr/bin/python3';
const here = fileURLToPath(new URL('.', import.meta.url));
const aptLine = 'apt-get install -y python3-fastapi python3-jwt python3-uvicorn';
const available =
  spawnSync(python, ['-c', 'import fastapi, jwt, uvicorn, cryptography'], { stdio: 'ignore' }).status === 0;
if (!available) {
  console.warn(
    `\n!!!!!!!! examples/python NOT TESTED: ${python} lacks fastapi, jwt or uvicorn. Install them with: ${aptLine}\n`,
  );
}

type PythonService = { url: string; get(path: string, authorization?: string): Promise<Response>; stop(): void };

/** Starts app.py with `env` and waits until it answers. */
async function startPython(env: Record<string, string>): Promise<PythonService> {
  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, ['app.py'], {
    cwd: here,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`${url}/docs`).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`app.py did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    get: (path, authorization) =>
      fetch(`${url}${path}`, { headers: authorization === undefined ? {} : { authorization } }),
    stop: () => void child.kill('SIGTERM'),
  };
}

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** An HS256 token over any header and payload text, signed with `secret`. */
function hs256(
  secret: string,
  payload: Record<string, unknown> | string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function refusal(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { status: number; code: string; reason: string };
}

describe.skipIf(!available)('examples/python', () => {
  describe('JWKS mode, against the real auth service (EdDSA)', () => {
    let auth: TestAuthService;
    let service: PythonService;

    beforeAll(async () => {
      auth = await startTestAuthService();
      service = await startPython({ AUTH_URL: auth.url, AUTH_ISSUER: auth.config.issuer, JWT_AUDIENCE: 'tessera' });
    }, 90_000);

    afterAll(async () => {
      service?.stop();
      await auth?.close();
    });

    it('admits a user token with its principal', async () => {
      const user = await auth.signUp();
      const response = await service.get('/v1/me', `Bearer ${user.jwt}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ subject: user.userId, kind: 'user' });
    });

    it('answers no token with 401 and a bare challenge', async () => {
      const response = await service.get('/v1/me');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      expect(await refusal(response)).toMatchObject({ code: 'token_missing' });
    });

    it('answers a malformed header with 400 invalid_request', async () => {
      const response = await service.get('/v1/me', 'Bearer a b');
      expect(response.status).toBe(400);
      expect(await refusal(response)).toMatchObject({ code: 'invalid_request', reason: 'header_malformed' });
    });

    it('refuses an altered signature', async () => {
      const { jwt } = await auth.signUp();
      const response = await service.get(
        '/v1/me',
        `Bearer ${jwt.slice(0, -6)}${jwt.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`,
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await refusal(response)).toMatchObject({ code: 'invalid_token', reason: 'signature_invalid' });
    });

    it.each([
      [
        'alg none',
        async (header: Record<string, unknown>, payload: string) =>
          `${b64url({ ...header, alg: 'none' })}.${b64url(payload)}.`,
      ],
      [
        'HS256 keyed with the public JWK (algorithm confusion)',
        async (header: Record<string, unknown>, payload: string) => {
          const { keys } = (await (await fetch(`${auth.url}/api/auth/jwks`)).json()) as { keys: unknown[] };
          return hs256(JSON.stringify(keys[0]), payload, { ...header, alg: 'HS256' });
        },
      ],
    ])('refuses %s', async (_what, forge) => {
      const { jwt } = await auth.signUp();
      const [header, payload] = jwt.split('.').map((part) => Buffer.from(part, 'base64url').toString('utf8')) as [
        string,
        string,
      ];
      const response = await service.get(
        '/v1/me',
        `Bearer ${await forge(JSON.parse(header) as Record<string, unknown>, payload)}`,
      );
      expect(response.status).toBe(401);
      expect(await refusal(response)).toMatchObject({ reason: 'alg_not_allowed' });
    });

    it('refuses a crit header and an oversized token before checking the signature', async () => {
      const { jwt } = await auth.signUp();
      const [header, payload, signature] = jwt.split('.') as [string, string, string];
      const withCrit = `${b64url({ ...JSON.parse(Buffer.from(header, 'base64url').toString('utf8')), crit: ['b64'], b64: true })}.${payload}.${signature}`;
      expect(await refusal(await service.get('/v1/me', `Bearer ${withCrit}`))).toMatchObject({
        reason: 'token_malformed',
      });
      expect(await refusal(await service.get('/v1/me', `Bearer ${'a'.repeat(9000)}`))).toMatchObject({
        reason: 'token_too_large',
      });
    });

    it('requires the scope: a service token with it passes, a user token gets 403 naming it', async () => {
      const client = await auth.createClient({ scopes: ['reports:read'] });
      const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
      const granted = await fetch(`${auth.url}/api/auth/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'reports:read' }).toString(),
      });
      const { access_token } = (await granted.json()) as { access_token: string };
      expect((await service.get('/v1/reports', `Bearer ${access_token}`)).status).toBe(200);

      const { jwt } = await auth.signUp();
      const refused = await service.get('/v1/reports', `Bearer ${jwt}`);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toBe(
        'Bearer realm="tessera", error="insufficient_scope", scope="reports:read"',
      );
    });
  });

  describe('secret mode (HS256), against the real auth service', () => {
    const secret = randomBytes(32).toString('base64url');
    let auth: TestAuthService;
    let service: PythonService;
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (overrides: Record<string, unknown> = {}) => ({
      iss: auth.config.issuer,
      aud: 'tessera',
      sub: 'user-1',
      iat: now(),
      exp: now() + 600,
      ...overrides,
    });

    beforeAll(async () => {
      auth = await startTestAuthService({ JWT_MODE: 'secret', JWT_SECRET: secret });
      service = await startPython({ AUTH_URL: auth.url, JWT_MODE: 'secret', JWT_SECRET: secret });
    }, 90_000);

    afterAll(async () => {
      service?.stop();
      await auth?.close();
    });

    it('admits a user token from the auth service', async () => {
      const user = await auth.signUp();
      const response = await service.get('/v1/me', `Bearer ${user.jwt}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ subject: user.userId, kind: 'user' });
    });

    it.each([
      ['expired', () => hs256(secret, claims({ iat: now() - 1200, exp: now() - 600 })), 'token_expired'],
      ['from another issuer', () => hs256(secret, claims({ iss: 'https://evil.example' })), 'issuer_mismatch'],
      ['for another audience', () => hs256(secret, claims({ aud: 'billing' })), 'audience_mismatch'],
      ['without exp', () => hs256(secret, claims({ exp: undefined })), 'claim_invalid'],
      ['without sub', () => hs256(secret, claims({ sub: undefined })), 'claim_invalid'],
      ['with an empty sub', () => hs256(secret, claims({ sub: '' })), 'claim_invalid'],
      ['with exp as a string', () => hs256(secret, claims({ exp: String(now() + 600) })), 'claim_invalid'],
      [
        'with exp 1e400 (Infinity)',
        () => hs256(secret, JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e400')),
        'claim_invalid',
      ],
      ['not yet valid', () => hs256(secret, claims({ nbf: now() + 600 })), 'token_not_yet_valid'],
      ['signed with another secret', () => hs256(randomBytes(32).toString('hex'), claims()), 'signature_invalid'],
    ])('refuses a token %s', async (_what, token, reason) => {
      const response = await service.get('/v1/me', `Bearer ${token()}`);
      expect(response.status).toBe(401);
      expect(await refusal(response)).toMatchObject({ code: 'invalid_token', reason });
    });
  });

  describe('keys unavailable', () => {
    let service: PythonService;

    beforeAll(async () => {
      service = await startPython({ AUTH_URL: `http://127.0.0.1:${await unusedPort()}` });
    }, 60_000);

    afterAll(() => service?.stop());

    it('answers 503 with Retry-After, never 401 or 500, when the JWKS cannot be fetched', async () => {
      const token = `${b64url({ alg: 'EdDSA', kid: 'k1' })}.${b64url({ sub: 'user-1' })}.${b64url('x'.repeat(64))}`;
      const response = await service.get('/v1/me', `Bearer ${token}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('30');
      expect(await refusal(response)).toMatchObject({ code: 'keys_unavailable' });
    });
  });
});
