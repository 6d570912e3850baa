import { randomBytes, randomUUID } from 'node:crypto';
import type { AppDatabase } from '@tessera/db';
import { asc, eq } from 'drizzle-orm';
import { isScopeToken } from './grant-policy.ts';
import { type OAuthClientRow, oauthClient } from './schema.ts';
import { clientSecretMatches, generateClientSecret, hashClientSecret, UNKNOWN_CLIENT_HASH } from './secret-hash.ts';

/** What may be shown about a client: everything but its secret hash. */
export type OAuthClientInfo = Omit<OAuthClientRow, 'id' | 'secretHash'>;

/** Input of `create`: a label, the scopes it may be granted, optionally its own audience list. */
export type NewOAuthClient = { name: string; scopes: string[]; audiences?: string[] | undefined };

/** A client just registered, with the only copy of its secret. */
export type CreatedOAuthClient = { clientId: string; clientSecret: string; client: OAuthClientInfo };

/** Registers, lists, revokes and authenticates OAuth clients in the `oauth_client` table. */
export type OAuthClientStore = {
  /** Registers a client; the returned `clientSecret` is not stored anywhere and cannot be read again. */
  create(input: NewOAuthClient): Promise<CreatedOAuthClient>;
  /** Every client, oldest first, revoked ones included. */
  list(): Promise<OAuthClientInfo[]>;
  /** Revokes a client (idempotent: the first revocation time is kept); `undefined` when there is no such client. */
  revoke(clientId: string): Promise<OAuthClientInfo | undefined>;
  /** The active client these credentials belong to, or `undefined` for an unknown, revoked or wrong-secret client. */
  verify(clientId: string, clientSecret: string): Promise<OAuthClientInfo | undefined>;
};

/** A rejected `create` input; `code` is RFC 7591's `invalid_client_metadata`. */
export class OAuthClientInputError extends Error {
  override readonly name = 'OAuthClientInputError';
  readonly code = 'invalid_client_metadata';
}

/** RFC 6749 Appendix A: `client-id = *VSCHAR`; also bounded so lookups never see absurd keys or NUL bytes. */
const CLIENT_ID = /^[\x20-\x7E]{1,255}$/;
/** Audiences are matched exactly against `aud`; no whitespace or commas, so they survive env lists and CLI flags. */
const AUDIENCE = /^[\x21-\x2B\x2D-\x7E]{1,255}$/;
const MAX_NAME_LENGTH = 100;

/** The client store over `db`, whose schema must include `oauthClient` (migrated by the auth service). */
export function createOAuthClientStore<TSchema extends Record<string, unknown>>(
  db: AppDatabase<TSchema>,
): OAuthClientStore {
  return {
    async create(input) {
      const values = validateNewClient(input);
      const clientSecret = generateClientSecret();
      const [row] = await db
        .insert(oauthClient)
        .values({ id: randomUUID(), clientId: newClientId(), secretHash: hashClientSecret(clientSecret), ...values })
        .returning();
      if (row === undefined) throw new Error('insert into oauth_client returned no row');
      return { clientId: row.clientId, clientSecret, client: toInfo(row) };
    },

    async list() {
      const rows = await db.select().from(oauthClient).orderBy(asc(oauthClient.createdAt), asc(oauthClient.clientId));
      return rows.map(toInfo);
    },

    async revoke(clientId) {
      if (!CLIENT_ID.test(clientId)) return undefined;
      const [row] = await db.select().from(oauthClient).where(eq(oauthClient.clientId, clientId)).limit(1);
      if (row === undefined || row.revokedAt !== null) return row && toInfo(row);
      const [revoked] = await db
        .update(oauthClient)
        .set({ revokedAt: new Date() })
        .where(eq(oauthClient.clientId, clientId))
        .returning();
      return revoked && toInfo(revoked);
    },

    async verify(clientId, clientSecret) {
      // Ids that could never exist skip the query but not the hash comparison, like an unknown client.
      const row = CLIENT_ID.test(clientId)
        ? (await db.select().from(oauthClient).where(eq(oauthClient.clientId, clientId)).limit(1))[0]
        : undefined;
      // Always compare, even without a row, so unknown ids and wrong secrets take the same path.
      const secretMatches = clientSecretMatches(clientSecret, row?.secretHash ?? UNKNOWN_CLIENT_HASH);
      if (row === undefined || !secretMatches || row.revokedAt !== null) return undefined;
      return toInfo(row);
    },
  };
}

/** 16 random bytes as hex: unguessable, safe in URLs, Basic credentials and shell arguments (never starts with `-`). */
function newClientId(): string {
  return randomBytes(16).toString('hex');
}

/** Whether `value` has the shape of the ids {@link OAuthClientStore.create} issues (32 lower-case hex digits). */
export function hasIssuedClientIdShape(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

function validateNewClient({
  name,
  scopes,
  audiences,
}: NewOAuthClient): Pick<OAuthClientRow, 'name' | 'scopes' | 'audiences'> {
  const trimmedName = name.trim();
  if (trimmedName === '' || trimmedName.length > MAX_NAME_LENGTH) {
    throw new OAuthClientInputError(`name must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  const uniqueScopes = [...new Set(scopes)];
  if (uniqueScopes.length === 0) throw new OAuthClientInputError('a client needs at least one scope');
  const badScope = uniqueScopes.find((scope) => !isScopeToken(scope));
  if (badScope !== undefined)
    throw new OAuthClientInputError(`not a valid scope token (RFC 6749 §3.3): ${JSON.stringify(badScope)}`);

  if (audiences === undefined) return { name: trimmedName, scopes: uniqueScopes, audiences: null };
  const uniqueAudiences = [...new Set(audiences)];
  if (uniqueAudiences.length === 0)
    throw new OAuthClientInputError('audiences, when given, must name at least one audience');
  const badAudience = uniqueAudiences.find((audience) => !AUDIENCE.test(audience));
  if (badAudience !== undefined)
    throw new OAuthClientInputError(`not a valid audience: ${JSON.stringify(badAudience)}`);
  return { name: trimmedName, scopes: uniqueScopes, audiences: uniqueAudiences };
}

function toInfo({ id: _id, secretHash: _secretHash, ...info }: OAuthClientRow): OAuthClientInfo {
  return info;
}
