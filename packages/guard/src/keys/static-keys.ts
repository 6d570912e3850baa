import type { Algorithm } from '../algorithms.ts';
import { GuardConfigError } from '../errors.ts';
import type { KeySource, VerificationKey } from './verification-key.ts';
import { importPublicJwk, KeySet } from './verification-key.ts';

/** Public JWKs given in code: a list, or a JWKS document `{ keys: [...] }`. */
export type StaticKeys = readonly object[] | { readonly keys: readonly object[] };

/**
 * A fixed key set, imported once at start. Every key must be usable: a bad key is a configuration
 * error here (unlike a fetched JWKS, where an unusable key is skipped), because it can only be a typo.
 */
export function createStaticKeySource(keys: StaticKeys, allowed: ReadonlySet<Algorithm>): KeySource {
  const list = Array.isArray(keys) ? keys : (keys as { keys: readonly object[] }).keys;
  if (!Array.isArray(list) || list.length === 0) throw new GuardConfigError('keys must hold at least one public JWK');
  const imported: VerificationKey[] = list.map((jwk, index) => {
    const result = importPublicJwk(jwk, allowed);
    if ('problem' in result) throw new GuardConfigError(`keys[${index}] is unusable: ${result.problem}`);
    return result.key;
  });
  const set = new KeySet(imported);
  return {
    lookup: (kid) => set.lookup(kid),
    refresh: async (kid) => set.lookup(kid),
    ready: async () => {},
    onChange: () => {},
    close: () => {},
  };
}
