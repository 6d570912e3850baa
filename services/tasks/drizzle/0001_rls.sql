-- The second lock on the subject: row-level security on "tasks".
-- The service runs every request as tessera_tasks_app (SET LOCAL ROLE), a role that cannot bypass RLS,
-- after `select set_config('app.user_id', <subject>, true)` in the same transaction. Without that
-- setting, current_setting(..., true) is NULL or '' and no row matches.

-- Roles are cluster-wide: another database on the same server (tests, a second deployment) or a DBA may
-- have created it already, possibly at the same moment. Creating it needs CREATEROLE; creating it
-- beforehand lets a migrating user without CREATEROLE run this.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'tessera_tasks_app') THEN
    CREATE ROLE tessera_tasks_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The service connects as the migrating user and switches to the app role per transaction: it must be a
-- member (a superuser always can switch).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'tessera_tasks_app', 'MEMBER') THEN
    EXECUTE format('GRANT tessera_tasks_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tessera_tasks_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "tasks" TO tessera_tasks_app;
--> statement-breakpoint
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
-- FORCE applies the policies to the table's owner too, so only a superuser is exempt.
ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "tasks_subject_select" ON "tasks" FOR SELECT
  USING ("user_id" = current_setting('app.user_id', true));
--> statement-breakpoint
CREATE POLICY "tasks_subject_insert" ON "tasks" FOR INSERT
  WITH CHECK ("user_id" = current_setting('app.user_id', true));
--> statement-breakpoint
CREATE POLICY "tasks_subject_update" ON "tasks" FOR UPDATE
  USING ("user_id" = current_setting('app.user_id', true))
  WITH CHECK ("user_id" = current_setting('app.user_id', true));
--> statement-breakpoint
CREATE POLICY "tasks_subject_delete" ON "tasks" FOR DELETE
  USING ("user_id" = current_setting('app.user_id', true));
