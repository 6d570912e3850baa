import { GuardConfigError } from '../errors.ts';
import { DEFAULT_REALM } from '../problem/index.ts';
import type { Verifier } from '../verifier.ts';
import type { GuardOutcome } from './authenticate.ts';

/** Options every adapter's `bearerAuth` takes; `Request` is the framework's request or context. */
export type GuardOptions<Request> = {
  /** The verifier from `createVerifier`. Required. */
  verifier: Verifier;
  /** The protection space named in every `WWW-Authenticate` challenge (RFC 6750 §3). Default: `'tessera'`. */
  realm?: string;
  /** Called once per request with its outcome, e.g. to count outcomes by code; a throwing hook is ignored. Default: none. */
  onOutcome?: (outcome: GuardOutcome, request: Request) => void;
};

/** A realm is printed inside a quoted-string: visible ASCII and spaces only, so it can never break the header. */
const realmShape = /^[\x20-\x7E]+$/;
/** Checks adapter options when the factory is called, so a bad setup fails at start. */
export function resolveGuardOptions<Request>(options: GuardOptions<Request>, factory: string) {
  if (typeof options?.verifier?.verify !== 'function')
    throw new GuardConfigError(`${factory} needs a verifier from createVerifier`);
  const { verifier, onOutcome } = options;
  const realm = checkRealm(options.realm);
  if (onOutcome !== undefined && typeof onOutcome !== 'function')
    throw new GuardConfigError(`${factory}: onOutcome must be a function`);
  const report = (outcome: GuardOutcome, request: Request) => {
    try {
      onOutcome?.(outcome, request);
    } catch {
      // A broken metrics hook must not turn into a failed or admitted request.
    }
  };
  return { verifier, realm, report };
}

/** The realm, checked: a missing one is `'tessera'`. */
export function checkRealm(realm: string | undefined): string {
  if (realm === undefined) return DEFAULT_REALM;
  if (typeof realm !== 'string' || !realmShape.test(realm))
    throw new GuardConfigError(`invalid realm ${JSON.stringify(realm)}`);
  return realm;
}
