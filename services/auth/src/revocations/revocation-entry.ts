/**
 * One entry of the revocation list, as `GET /api/auth/revocations` publishes it: the session (`sid`) or the
 * OAuth client (`client_id`) whose tokens are refused, when it was revoked, and until when the entry matters
 * (NumericDate seconds, as in a JWT: no token issued before `revoked_at` is valid after `expires_at`).
 */
export type RevocationEntry = ({ sid: string } | { client_id: string }) & { revoked_at: number; expires_at: number };

type Row = { sid: string | null; client_id: string | null; revoked_at: number };

/** Turns rows of the `revocation` table (as JSON from the feed's query) into entries kept `retentionSeconds`. */
export function parseRevocationRows(rows: readonly Row[], retentionSeconds: number): RevocationEntry[] {
  return rows.map(({ sid, client_id: clientId, revoked_at: revokedAt }) => {
    const times = { revoked_at: revokedAt, expires_at: revokedAt + retentionSeconds };
    // The table's check constraint guarantees exactly one of the two.
    return sid !== null ? { sid, ...times } : { client_id: clientId ?? '', ...times };
  });
}
