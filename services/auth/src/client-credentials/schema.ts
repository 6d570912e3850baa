import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * OAuth clients allowed to use the client-credentials grant (RFC 6749 §4.4).
 *
 * The secret is never stored: only its SHA-256 digest (see `secret-hash.ts`). Scopes and audiences are
 * Postgres text arrays so that a grant check is a plain subset test, with no string splitting at runtime.
 * A revoked client keeps its row (for audit) and is refused by `revoked_at IS NOT NULL`.
 */
export const oauthClient = pgTable('oauth_client', {
  /** Internal row id (UUID). */
  id: text('id').primaryKey(),
  /** The public identifier sent as the Basic user name or `client_id`; also the token's `client_id` claim. */
  clientId: text('client_id').notNull().unique(),
  /** A human label, e.g. `billing-worker`. */
  name: text('name').notNull(),
  /** Hex SHA-256 of the client secret. */
  secretHash: text('secret_hash').notNull(),
  /** Scopes this client may be granted, e.g. `['tasks:read', 'tasks:write']`. */
  scopes: text('scopes').array().notNull(),
  /** Audiences (`resource`/`audience`) it may request; `null` means the service's configured JWT_AUDIENCE list. */
  audiences: text('audiences').array(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set by `revoke`; a revoked client can no longer obtain tokens. */
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** A stored client row. */
export type OAuthClientRow = typeof oauthClient.$inferSelect;
