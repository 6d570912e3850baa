import { describe, expect, it } from 'vitest';
import {
  audience,
  b64url,
  generateTestKey,
  hmacToken,
  issuer,
  outcome,
  secret,
  signBytes,
  signToken,
  startJwksServer,
  userClaims,
} from '../test/support.ts';
import type { VerifierOptions } from './options.ts';
import { createVerifier } from './verifier.ts';

const ed = generateTestKey('EdDSA', 'ed-1');
const es = generateTestKey('ES256', 'es-1');
const rs = generateTestKey('RS256', 'rs-1');
const foreign = generateTestKey('EdDSA', 'ed-1'); // same kid as `ed`, different key

function staticVerifier(overrides: Partial<VerifierOptions> = {}) {
  return createVerifier({
    issuer,
    audience,
    algorithms: ['EdDSA', 'ES256', 'RS256'],
    keys: [ed.jwk, es.jwk, rs.jwk],
    cache: false,
    ...overrides,
  });
}

/** Replaces one segment of a compact token. */
function withSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

describe('createVerifier: genuine tokens', () => {
  it.each([ed, es, rs])('accepts a $alg token signed by a known key', async (key) => {
    const principal = await staticVerifier().verify(signToken(key));
    expect(principal.kind).toBe('user');
    expect(principal.subject).toBe('user-1');
  });

  it('accepts an HS256 token in secret mode', async () => {
    const verifier = createVerifier({ issuer, audience, secret, cache: false });
    expect(await outcome(verifier.verify(hmacToken(secret)))).toBe('ok');
  });
});

describe('createVerifier: forged or unusable tokens', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('rejects a token whose alg is %s', async (alg) => {
    const verifier = staticVerifier();
    const unsigned = `${b64url({ alg, kid: ed.kid })}.${b64url(userClaims())}.`;
    expect(await outcome(verifier.verify(unsigned))).toBe('alg_not_allowed');
    const withSignature = signToken(ed, userClaims(), { alg });
    expect(await outcome(verifier.verify(withSignature))).toBe('alg_not_allowed');
  });

  it('rejects alg none in secret mode too', async () => {
    const verifier = createVerifier({ issuer, audience, secret, cache: false });
    expect(await outcome(verifier.verify(`${b64url({ alg: 'none' })}.${b64url(userClaims())}.`))).toBe(
      'alg_not_allowed',
    );
  });

  describe('an HS256 token signed with the public key as its secret', () => {
    const forms: Record<string, string | Buffer> = {
      'raw key bytes': Buffer.from(ed.jwk.x ?? '', 'base64url'),
      'DER bytes': ed.publicKey.export({ format: 'der', type: 'spki' }),
      'JWK JSON': JSON.stringify(ed.jwk),
      PEM: ed.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
    it.each(Object.entries(forms))('is rejected when the secret is the %s', async (_form, keyAsSecret) => {
      const token = hmacToken(keyAsSecret, userClaims(), { alg: 'HS256', kid: ed.kid });
      expect(await outcome(staticVerifier().verify(token))).toBe('alg_not_allowed');
    });

    it('cannot even be configured: HS* with public keys fails at start', () => {
      expect(() => staticVerifier({ algorithms: ['EdDSA', 'HS256'] })).toThrow(
        expect.objectContaining({ code: 'guard_config_invalid' }),
      );
    });

    it('is refused as a configured secret when it is a PEM or JWK public key', () => {
      const pem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(() => createVerifier({ issuer, audience, secret: pem })).toThrow(
        expect.objectContaining({ code: 'guard_config_invalid' }),
      );
      expect(() => createVerifier({ issuer, audience, secret: JSON.stringify(ed.jwk) })).toThrow(
        expect.objectContaining({ code: 'guard_config_invalid' }),
      );
    });
  });

  it('rejects an alg outside the allowlist', async () => {
    const verifier = staticVerifier({ algorithms: ['EdDSA'], keys: [ed.jwk] });
    expect(await outcome(verifier.verify(signToken(es)))).toBe('alg_not_allowed');
  });

  it('rejects an allowlisted alg in another letter case', async () => {
    expect(await outcome(staticVerifier().verify(signToken(ed, userClaims(), { alg: 'eddsa' })))).toBe(
      'alg_not_allowed',
    );
  });

  it("rejects an alg that disagrees with the key's alg", async () => {
    // Header says ES256 under the EdDSA key's kid, signed with a real ES256 key.
    const token = (() => {
      const input = `${b64url({ alg: 'ES256', kid: ed.kid })}.${b64url(userClaims())}`;
      return `${input}.${b64url(signBytes(es, Buffer.from(input)))}`;
    })();
    expect(await outcome(staticVerifier().verify(token))).toBe('alg_not_allowed');
  });

  it('rejects a token signed by a foreign key under a real kid', async () => {
    expect(await outcome(staticVerifier().verify(signToken(foreign)))).toBe('signature_invalid');
  });

  it('rejects an altered payload', async () => {
    const token = signToken(ed);
    const forged = withSegment(token, 1, b64url(userClaims({ sub: 'admin', user_id: 'admin' })));
    expect(await outcome(staticVerifier().verify(forged))).toBe('signature_invalid');
  });

  it.each([ed, es, rs])('rejects an altered $alg signature', async (key) => {
    const token = signToken(key);
    const signature = Buffer.from(token.split('.')[2] ?? '', 'base64url');
    signature[5] = (signature[5] ?? 0) ^ 0x01;
    expect(await outcome(staticVerifier().verify(withSegment(token, 2, b64url(signature))))).toBe('signature_invalid');
  });

  it('rejects a signature whose last character only changes unused bits', async () => {
    // 64 bytes encode to 86 characters; the last one carries 4 spare bits that Node's decoder ignores.
    const token = signToken(ed);
    const last = token.at(-1) ?? 'A';
    const sibling = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = token.slice(0, -1) + sibling[sibling.indexOf(last) + 1];
    expect(await outcome(staticVerifier().verify(twin))).toBe('token_malformed');
  });

  it('rejects a stripped signature', async () => {
    const token = signToken(ed);
    expect(await outcome(staticVerifier().verify(withSegment(token, 2, '')))).toBe('signature_invalid');
    expect(await outcome(staticVerifier().verify(token.split('.').slice(0, 2).join('.')))).toBe('token_malformed');
  });

  it.each([
    ['2 segments', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['5 segments (a JWE shape)', (t: string) => `${t}.AAAA.BBBB`],
    ['a + character', (t: string) => t.replace(/\./, '+.')],
    ['a / character', (t: string) => `/${t}`],
    ['= padding', (t: string) => t.replace(/\./, '=.')],
    ['a space', (t: string) => t.replace(/\./, ' .')],
    ['non-ASCII', (t: string) => `é${t}`],
    ['an empty header', (t: string) => withSegment(t, 0, '')],
  ])('rejects a token with %s', async (_what, mangle) => {
    expect(await outcome(staticVerifier().verify(mangle(signToken(ed))))).toBe('token_malformed');
  });

  it('rejects a header that is not JSON', async () => {
    expect(await outcome(staticVerifier().verify(withSegment(signToken(ed), 0, b64url('{"alg":"EdDSA",'))))).toBe(
      'token_malformed',
    );
  });

  it.each([
    ['not JSON', 'not json at all'],
    ['an array', JSON.stringify([userClaims()])],
    ['a string', JSON.stringify('user-1')],
    ['null', 'null'],
  ])('rejects a correctly signed payload that is %s', async (_what, payload) => {
    expect(await outcome(staticVerifier().verify(signToken(ed, payload)))).toBe('token_malformed');
  });

  it('rejects a header that is an array', async () => {
    expect(await outcome(staticVerifier().verify(withSegment(signToken(ed), 0, b64url([{ alg: 'EdDSA' }]))))).toBe(
      'token_malformed',
    );
  });

  it('rejects a token over the size limit before decoding it', async () => {
    const big = signToken(ed, userClaims({ padding: 'x'.repeat(9000) }));
    expect(await outcome(staticVerifier().verify(big))).toBe('token_too_large');
    expect(await outcome(staticVerifier({ maxTokenBytes: 100 }).verify(signToken(ed)))).toBe('token_too_large');
    // Garbage that large is not even looked at.
    expect(await outcome(staticVerifier().verify('!'.repeat(10_000)))).toBe('token_too_large');
  });

  it('rejects an empty token as missing', async () => {
    expect(await outcome(staticVerifier().verify(''))).toBe('token_missing');
  });
});

describe('createVerifier: headers never followed', () => {
  it('never fetches or trusts jku, x5u, jwk or x5c', async () => {
    const attacker = generateTestKey('EdDSA', 'attacker');
    const trap = await startJwksServer([attacker.jwk]);
    try {
      const verifier = staticVerifier();
      const headers: Record<string, unknown>[] = [
        { jku: trap.url },
        { x5u: `${trap.url}/cert.pem` },
        { jwk: attacker.jwk },
        { x5c: [attacker.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')] },
        { jku: trap.url, jwk: attacker.jwk, x5u: trap.url, x5c: ['AAAA'] },
      ];
      for (const extra of headers) {
        // Under the attacker's own kid: unknown to us.
        expect(await outcome(verifier.verify(signToken(attacker, userClaims(), extra)))).toBe('key_not_found');
        // Under a real kid: the real key checks it, and the attacker's signature fails.
        expect(await outcome(verifier.verify(signToken(attacker, userClaims(), { ...extra, kid: ed.kid })))).toBe(
          'signature_invalid',
        );
      }
      expect(trap.requests).toEqual([]);
    } finally {
      await trap.close();
    }
  });

  it.each(['../../../../etc/passwd', "ed-1' OR '1'='1", 'ed-1; DROP TABLE jwks;--', '%2e%2e%2f', '\u0000'])(
    'treats the kid %j as just an unknown kid',
    async (kid) => {
      expect(await outcome(staticVerifier().verify(signToken(ed, userClaims(), { kid })))).toBe('key_not_found');
    },
  );

  it('never puts a kid into the JWKS request', async () => {
    const server = await startJwksServer([ed.jwk]);
    try {
      const verifier = createVerifier({
        issuer,
        audience,
        algorithms: ['EdDSA'],
        jwks: { url: server.url, cooldown: 0 },
        cache: false,
      });
      await verifier.ready();
      expect(await outcome(verifier.verify(signToken(ed, userClaims(), { kid: '../admin?x=1' })))).toBe(
        'key_not_found',
      );
      expect(server.requests.every((path) => path === '/jwks')).toBe(true);
      verifier.close();
    } finally {
      await server.close();
    }
  });

  it.each([[['exp']], [['b64']], [['urn:example:unknown']], [[]], ['b64']])(
    'rejects a crit header %j',
    async (crit) => {
      expect(await outcome(staticVerifier().verify(signToken(ed, userClaims(), { crit, b64: true })))).toBe(
        'token_malformed',
      );
    },
  );

  it('rejects a kid that is not a string', async () => {
    expect(await outcome(staticVerifier().verify(signToken(ed, userClaims(), { kid: 7 })))).toBe('token_malformed');
  });
});
