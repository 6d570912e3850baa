import { sql } from 'drizzle-orm';
import { bigserial, check, customType, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Postgres's 64-bit transaction id, which never wraps around (PostgreSQL 13+). Read and written as text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Sessions and OAuth clients that ended early, one row each. Rows are written only by the triggers of
 * `drizzle/0002_revocation_triggers.sql`, so every way a session row goes away is recorded, raw SQL included.
 * A row matters only while a token issued before it could still verify; older rows are pruned.
 */
export const revocation = pgTable(
  'revocation',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The ended session's id: the `sid` claim of the user tokens issued for it. */
    sid: text('sid'),
    /** The revoked client's id: the `client_id` claim of its service tokens. */
    clientId: text('client_id'),
    /** When the row was written (the clock at the delete, not the transaction's start). */
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    /**
     * The writing transaction. A reader that remembers its snapshot's oldest running transaction finds every row
     * committed since by `tx >= that`, even rows whose `id` is lower than ones it has seen (ids are taken in
     * insert order, rows become visible in commit order).
     */
    tx: xid8('tx').notNull().default(sql`pg_current_xact_id()`),
  },
  (table) => [
    index('revocation_tx_idx').on(table.tx),
    index('revocation_revoked_at_idx').on(table.revokedAt),
    check('revocation_names_one_subject', sql`(${table.sid} is null) <> (${table.clientId} is null)`),
  ],
);

/** A stored revocation row. */
export type RevocationRow = typeof revocation.$inferSelect;
