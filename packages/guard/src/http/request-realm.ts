import { DEFAULT_REALM } from '../problem/index.ts';

/**
 * The realm `bearerAuth` answered a request in, so that `requireScope` after it challenges in the same one.
 * Only a non-default realm is remembered; the request object is the key, so nothing outlives the request.
 */
const realms = new WeakMap<object, string>();

export function rememberRealm(request: object, realm: string): void {
  if (realm !== DEFAULT_REALM) realms.set(request, realm);
}

export function realmOf(request: object): string {
  return realms.get(request) ?? DEFAULT_REALM;
}
