import { describe, expect, it } from 'vitest';
import { TokenEndpointError, type TokenErrorCode } from './error-codes.ts';
import { readTokenRequest } from './token-request.ts';

const URL_ = 'http://auth.test/api/auth/oauth2/token';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_ = { 'content-type': 'application/json' };

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

function tokenRequest(body: BodyInit | undefined, headers: Record<string, string> = FORM) {
  return readTokenRequest(new Request(URL_, { method: 'POST', headers, ...(body === undefined ? {} : { body }) }));
}

async function refusal(body: BodyInit | undefined, headers?: Record<string, string>): Promise<TokenErrorCode> {
  const error = await tokenRequest(body, headers).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TokenEndpointError)) throw new Error(`expected a TokenEndpointError, got ${String(error)}`);
  return error.code;
}

describe('readTokenRequest', () => {
  it('reads a form body with HTTP Basic credentials', async () => {
    const request = await tokenRequest('grant_type=client_credentials&scope=tasks:read+tasks:write&resource=tasks', {
      ...FORM,
      authorization: basic('my-client:my-secret'),
    });
    expect(request).toEqual({
      grantType: 'client_credentials',
      credentials: { clientId: 'my-client', clientSecret: 'my-secret', method: 'basic' },
      scopes: ['tasks:read', 'tasks:write'],
      audiences: ['tasks'],
    });
  });

  it('reads a JSON body with credentials in the body, and a charset parameter on the media type', async () => {
    const request = await tokenRequest(
      JSON.stringify({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', audience: 'billing' }),
      { 'content-type': 'application/json; charset=utf-8' },
    );
    expect(request).toEqual({
      grantType: 'client_credentials',
      credentials: { clientId: 'c', clientSecret: 's', method: 'body' },
      scopes: undefined,
      audiences: ['billing'],
    });
  });

  it('form-urldecodes Basic credentials (RFC 6749 §2.3.1)', async () => {
    const request = await tokenRequest('grant_type=client_credentials', {
      ...FORM,
      authorization: basic('a%3Ab:c+d%25'),
    });
    expect(request.credentials).toEqual({ clientId: 'a:b', clientSecret: 'c d%', method: 'basic' });
  });

  it('treats an empty scope as no scope (all allowed scopes) and removes duplicates', async () => {
    const auth = { ...FORM, authorization: basic('c:s') };
    expect((await tokenRequest('grant_type=client_credentials&scope=', auth)).scopes).toBeUndefined();
    expect((await tokenRequest('grant_type=client_credentials&scope=a%20b%20a', auth)).scopes).toEqual(['a', 'b']);
  });

  it('accepts several resource values (RFC 8707) and resource equal to audience', async () => {
    const auth = { ...FORM, authorization: basic('c:s') };
    expect((await tokenRequest('grant_type=client_credentials&resource=a&resource=b', auth)).audiences).toEqual([
      'a',
      'b',
    ]);
    expect((await tokenRequest('grant_type=client_credentials&resource=a&audience=a', auth)).audiences).toEqual(['a']);
  });

  describe('refuses', () => {
    const auth = { ...FORM, authorization: basic('c:s') };

    it('a missing grant_type with invalid_request', async () => {
      expect(await refusal('scope=a', auth)).toBe('invalid_request');
      expect(await refusal(undefined, { authorization: basic('c:s') })).toBe('invalid_request');
    });

    it('another grant type with unsupported_grant_type', async () => {
      expect(await refusal('grant_type=password&username=u&password=p', auth)).toBe('unsupported_grant_type');
    });

    it('a repeated parameter with invalid_request (RFC 6749 §3.2)', async () => {
      expect(await refusal('grant_type=client_credentials&grant_type=client_credentials', auth)).toBe(
        'invalid_request',
      );
      expect(await refusal('grant_type=client_credentials&scope=a&scope=b', auth)).toBe('invalid_request');
    });

    it('Basic and body credentials together with invalid_request (RFC 6749 §2.3)', async () => {
      expect(await refusal('grant_type=client_credentials&client_secret=s', auth)).toBe('invalid_request');
      expect(await refusal('grant_type=client_credentials&client_id=other', auth)).toBe('invalid_request');
    });

    it('a body client_id equal to the Basic one is tolerated (RFC 6749 §3.2.1)', async () => {
      await expect(tokenRequest('grant_type=client_credentials&client_id=c', auth)).resolves.toMatchObject({
        credentials: { method: 'basic' },
      });
    });

    it('a request without client authentication, or without a secret, with invalid_client', async () => {
      expect(await refusal('grant_type=client_credentials')).toBe('invalid_client');
      expect(await refusal('grant_type=client_credentials&client_id=c')).toBe('invalid_client');
      expect(await refusal('grant_type=client_credentials&client_secret=s')).toBe('invalid_request');
    });

    it('another authentication scheme with invalid_client', async () => {
      expect(await refusal('grant_type=client_credentials', { ...FORM, authorization: 'Bearer abc' })).toBe(
        'invalid_client',
      );
    });

    it.each([
      ['not base64', 'Basic %%%'],
      ['no credentials', 'Basic'],
      ['no colon', basic('just-an-id')],
      ['an empty secret', basic('id:')],
      ['not UTF-8', `Basic ${Buffer.from([0x63, 0x3a, 0xff, 0xfe]).toString('base64')}`],
      ['a bad percent-escape', basic('c:%E0%A4%A')],
      ['a header of 10 kB', `Basic ${'A'.repeat(10_000)}`],
      ['extra words', `${basic('c:s')} extra`],
    ])('malformed Basic credentials (%s) with invalid_request', async (_, header) => {
      expect(await refusal('grant_type=client_credentials', { ...FORM, authorization: header })).toBe(
        'invalid_request',
      );
    });

    it.each([
      ['garbage', '{"grant_type":'],
      ['an array', '["client_credentials"]'],
      ['null', 'null'],
      ['a number value', '{"grant_type":"client_credentials","scope":5}'],
      ['an object value', '{"grant_type":{"a":1}}'],
    ])('a JSON body that is %s with invalid_request', async (_, body) => {
      expect(await refusal(body, { ...JSON_, authorization: basic('c:s') })).toBe('invalid_request');
    });

    it.each(['text/plain', 'multipart/form-data; boundary=x', 'application/xml'])(
      'Content-Type %s with invalid_request',
      async (type) => {
        expect(
          await refusal('grant_type=client_credentials', { 'content-type': type, authorization: basic('c:s') }),
        ).toBe('invalid_request');
      },
    );

    it('a body of 20 kB, and a 3 kB value, with invalid_request', async () => {
      expect(await refusal(`grant_type=client_credentials&pad=${'x'.repeat(20_000)}`, auth)).toBe('invalid_request');
      expect(await refusal(`grant_type=client_credentials&scope=${'x'.repeat(3_000)}`, auth)).toBe('invalid_request');
    });

    it('a scope with characters RFC 6749 §3.3 does not allow with invalid_scope', async () => {
      expect(await refusal('grant_type=client_credentials&scope=tasks%22read', auth)).toBe('invalid_scope');
      expect(await refusal('grant_type=client_credentials&scope=caf%C3%A9', auth)).toBe('invalid_scope');
    });

    it('resource and audience naming different audiences with invalid_request', async () => {
      expect(await refusal('grant_type=client_credentials&resource=a&audience=b', auth)).toBe('invalid_request');
    });

    it('an empty resource with invalid_target', async () => {
      expect(await refusal('grant_type=client_credentials&resource=', auth)).toBe('invalid_target');
    });
  });
});
