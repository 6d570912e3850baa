-- The queries left the database: the repository now writes them with drizzle's query builder, inside
-- withSubject from @tessera/db, which sets the role and app.user_id that tasks_enter_scope used to set.
-- 0004_subject_policy declared the policy in the schema (tasks_subject, for all commands), so the four
-- hand-written ones of 0001_rls go too. FORCE ROW LEVEL SECURITY and the role's grants from 0001 stay.
DROP FUNCTION tasks_list(text, text, timestamptz, uuid, integer);
--> statement-breakpoint
DROP FUNCTION tasks_get(text, uuid);
--> statement-breakpoint
DROP FUNCTION tasks_create(text, text, text, text, timestamptz);
--> statement-breakpoint
DROP FUNCTION tasks_update(text, uuid, boolean, text, boolean, text, boolean, text, boolean, timestamptz);
--> statement-breakpoint
DROP FUNCTION tasks_delete(text, uuid);
--> statement-breakpoint
DROP FUNCTION tasks_enter_scope(text);
--> statement-breakpoint
DROP POLICY "tasks_subject_select" ON "tasks";
--> statement-breakpoint
DROP POLICY "tasks_subject_insert" ON "tasks";
--> statement-breakpoint
DROP POLICY "tasks_subject_update" ON "tasks";
--> statement-breakpoint
DROP POLICY "tasks_subject_delete" ON "tasks";
