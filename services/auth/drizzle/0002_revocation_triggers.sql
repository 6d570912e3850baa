-- Every way a session or an OAuth client ends is recorded in "revocation" by the database itself, so no path
-- can skip it: Better Auth's sign-out and revoke routes, a password change that revokes the other sessions,
-- a deleted user (its sessions go by ON DELETE CASCADE), Better Auth's "end by expiring now" (an UPDATE that
-- moves expires_at into the past), the clients CLI, and raw SQL alike. See docs/decisions.md.

-- A session ends early when its row is deleted, or its expires_at is moved into the past, before it expired.
-- A session that had already expired is not recorded: its tokens were issued while it was valid and end at
-- their own exp, exactly as when nobody cleans up the expired row.
CREATE FUNCTION revocation_record_session() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.expires_at > clock_timestamp() THEN
    INSERT INTO revocation (sid) VALUES (OLD.id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER session_deleted_revokes AFTER DELETE ON "session"
FOR EACH ROW EXECUTE FUNCTION revocation_record_session();
--> statement-breakpoint
CREATE TRIGGER session_expired_now_revokes AFTER UPDATE OF expires_at ON "session"
FOR EACH ROW WHEN (NEW.expires_at < OLD.expires_at AND NEW.expires_at <= clock_timestamp())
EXECUTE FUNCTION revocation_record_session();
--> statement-breakpoint
-- A client ends when revoked_at is first set (the clients CLI), or when an active client's row is deleted.
CREATE FUNCTION revocation_record_client() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO revocation (client_id) VALUES (OLD.client_id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER oauth_client_revoked_revokes AFTER UPDATE OF revoked_at ON oauth_client
FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
EXECUTE FUNCTION revocation_record_client();
--> statement-breakpoint
CREATE TRIGGER oauth_client_deleted_revokes AFTER DELETE ON oauth_client
FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
EXECUTE FUNCTION revocation_record_client();
