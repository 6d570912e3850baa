import { describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { capturingLogger } from './testing/index.ts';

const SECRETS = {
  authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.SECRET-JWT.sig',
  cookie: 'better-auth.session_token=SECRET-SESSION-COOKIE',
  setCookie: 'better-auth.session_token=SECRET-SET-COOKIE; HttpOnly',
  password: 'SECRET-PASSWORD-hunter2',
  token: 'SECRET-BODY-TOKEN',
  refreshToken: 'SECRET-REFRESH-TOKEN',
  clientSecret: 'SECRET-CLIENT-SECRET',
};

describe('createLogger', () => {
  it('writes JSON lines tagged with the service, level and ISO time', () => {
    const { logger, lines } = capturingLogger('info');
    logger.info({ userId: 'u1' }, 'hello');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 30,
        service: 'test',
        userId: 'u1',
        msg: 'hello',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capturingLogger('info');
    logger.debug('hidden');
    expect(lines()).toEqual([]);
  });

  it('redacts credentials in a logged request: headers, cookies and body', () => {
    const { logger, text } = capturingLogger();
    logger.child({ requestId: 'r1' }).info(
      {
        req: {
          method: 'POST',
          url: '/api/auth/sign-in/email',
          headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie, 'content-type': 'application/json' },
        },
        res: { statusCode: 200, headers: { 'set-cookie': SECRETS.setCookie } },
        body: { email: 'ada@example.com', password: SECRETS.password, token: SECRETS.token },
      },
      'request',
    );
    const output = text();
    for (const secret of [SECRETS.authorization, SECRETS.cookie, SECRETS.setCookie, SECRETS.password, SECRETS.token]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('ada@example.com');
    expect(output).toContain('"authorization":"[redacted]"');
    expect(output).toContain('"set-cookie":"[redacted]"');
  });

  it('redacts capitalised header names and secrets nested deeper', () => {
    const { logger, text } = capturingLogger();
    logger.warn({
      headers: { Authorization: SECRETS.authorization, Cookie: SECRETS.cookie, 'Set-Cookie': SECRETS.setCookie },
      session: { user: { tokens: { refresh_token: SECRETS.refreshToken } } },
      client: { client_secret: SECRETS.clientSecret },
      token: SECRETS.token,
    });
    const output = text();
    for (const secret of Object.values(SECRETS).filter((secret) => secret !== SECRETS.password)) {
      expect(output).not.toContain(secret);
    }
  });

  it('redacts errors and errors under any key', () => {
    const { logger, text } = capturingLogger();
    const failure = Object.assign(new Error('upstream said no'), {
      request: { headers: { cookie: SECRETS.cookie } },
      response: { body: { access_token: SECRETS.token } },
    });
    logger
      .child({ requestId: 'r1' })
      .error({ err: failure, cause: failure, client: { client_secret: SECRETS.clientSecret } }, 'call failed');
    logger.error(failure);
    const output = text();
    for (const secret of [SECRETS.cookie, SECRETS.token, SECRETS.clientSecret]) expect(output).not.toContain(secret);
    expect(output).toContain('upstream said no');
    expect(output).toContain('"type":"Error"');
  });

  it('keeps credentials out of the access log of a real request', async () => {
    const { logger, text } = capturingLogger();
    const app = createApp({ service: 'test', logger });
    app.post('/login', async (c) => {
      const body = await c.req.json();
      c.var.log.info({ body, headers: Object.fromEntries(c.req.raw.headers) }, 'login attempt');
      return c.json({ ok: true }, 200, { 'Set-Cookie': SECRETS.setCookie });
    });
    const response = await app.request('/login?token=SECRET-QUERY-TOKEN', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: SECRETS.authorization, Cookie: SECRETS.cookie },
      body: JSON.stringify({ email: 'ada@example.com', password: SECRETS.password, token: SECRETS.token }),
    });
    expect(response.status).toBe(200);
    const output = text();
    expect(output).toContain('login attempt');
    for (const secret of [...Object.values(SECRETS), 'SECRET-QUERY-TOKEN']) expect(output).not.toContain(secret);
  });
});
