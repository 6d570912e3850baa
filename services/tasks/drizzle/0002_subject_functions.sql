-- One SQL function per repository operation, so a request is ONE statement: its implicit transaction
-- enters the subject's scope (tasks_enter_scope) and then runs the query, and nothing else is sent.
-- The same work as four pipelined statements (begin, scope, query, commit) cost about twice the CPU
-- in both the service and Postgres (bench/results/http-*.md).
--
-- Both locks hold inside: every query carries "user_id = p_subject" (the repository's lock), and runs as
-- tessera_tasks_app with app.user_id set, so the row-level-security policies of 0001_rls apply too.
-- The functions are PL/pgSQL on purpose: PL/pgSQL plans each query when it first runs it, after the role
-- switch, so row-level security is planned for tessera_tasks_app; an SQL-language function would plan
-- its queries for the calling role before the switch.

-- The scope, shared by every function below and by inSubjectScope (src/db/subject-scope.ts):
-- SET LOCAL ROLE tessera_tasks_app and app.user_id = p_subject until the transaction ends. It has no
-- SET clause of its own, so its settings outlive the call and bind the rest of the transaction.
CREATE FUNCTION tasks_enter_scope(p_subject text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF p_subject IS NULL OR p_subject = '' THEN
    RAISE EXCEPTION 'a subject scope needs a non-empty subject' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('role', 'tessera_tasks_app', true), set_config('app.user_id', p_subject, true);
END
$$;
--> statement-breakpoint
-- A page of the subject's tasks in (created_at, id) order, strictly after the cursor position when one is
-- given. Two queries rather than "(p_after_created_at IS NULL OR …)", so the keyset condition stays an
-- index condition on (user_id, created_at, id).
CREATE FUNCTION tasks_list(p_subject text, p_status text, p_after_created_at timestamptz, p_after_id uuid, p_max_rows integer)
RETURNS TABLE (id uuid, user_id text, title text, description text, status text, due_at text, created_at text, updated_at text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  IF p_after_created_at IS NULL THEN
    RETURN QUERY
      SELECT t.id, t.user_id, t.title, t.description, t.status,
             to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM tasks t
      WHERE t.user_id = p_subject AND (p_status IS NULL OR t.status = p_status)
      ORDER BY t.created_at, t.id
      LIMIT p_max_rows;
  ELSE
    RETURN QUERY
      SELECT t.id, t.user_id, t.title, t.description, t.status,
             to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM tasks t
      WHERE t.user_id = p_subject AND (p_status IS NULL OR t.status = p_status)
        AND (t.created_at, t.id) > (p_after_created_at, p_after_id)
      ORDER BY t.created_at, t.id
      LIMIT p_max_rows;
  END IF;
END
$$;
--> statement-breakpoint
-- The subject's task with this id: no row when there is none, also when it is someone else's.
CREATE FUNCTION tasks_get(p_subject text, p_id uuid)
RETURNS TABLE (id uuid, user_id text, title text, description text, status text, due_at text, created_at text, updated_at text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  RETURN QUERY
    SELECT t.id, t.user_id, t.title, t.description, t.status,
           to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
    FROM tasks t
    WHERE t.user_id = p_subject AND t.id = p_id;
END
$$;
--> statement-breakpoint
-- A new task owned by the subject; the owner is the scope's subject, never a caller's field.
CREATE FUNCTION tasks_create(p_subject text, p_title text, p_description text, p_status text, p_due_at timestamptz)
RETURNS TABLE (id uuid, user_id text, title text, description text, status text, due_at text, created_at text, updated_at text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  RETURN QUERY
    INSERT INTO tasks AS t (user_id, title, description, status, due_at)
    VALUES (p_subject, p_title, p_description, p_status, p_due_at)
    RETURNING t.id, t.user_id, t.title, t.description, t.status,
              to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
END
$$;
--> statement-breakpoint
-- A partial update of the subject's task: each p_set_* says whether its field changes, so a field can be
-- set to NULL (description, due_at) as well as left alone. No row when there is no such task.
CREATE FUNCTION tasks_update(
  p_subject text, p_id uuid,
  p_set_title boolean, p_title text,
  p_set_description boolean, p_description text,
  p_set_status boolean, p_status text,
  p_set_due_at boolean, p_due_at timestamptz
)
RETURNS TABLE (id uuid, user_id text, title text, description text, status text, due_at text, created_at text, updated_at text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  RETURN QUERY
    UPDATE tasks AS t SET
      title = CASE WHEN p_set_title THEN p_title ELSE t.title END,
      description = CASE WHEN p_set_description THEN p_description ELSE t.description END,
      status = CASE WHEN p_set_status THEN p_status ELSE t.status END,
      due_at = CASE WHEN p_set_due_at THEN p_due_at ELSE t.due_at END,
      updated_at = now()
    WHERE t.user_id = p_subject AND t.id = p_id
    RETURNING t.id, t.user_id, t.title, t.description, t.status,
              to_char(t.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              to_char(t.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
END
$$;
--> statement-breakpoint
-- Deletes the subject's task; the id when one was deleted, no row otherwise.
CREATE FUNCTION tasks_delete(p_subject text, p_id uuid)
RETURNS TABLE (id uuid)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  RETURN QUERY
    DELETE FROM tasks AS t WHERE t.user_id = p_subject AND t.id = p_id RETURNING t.id;
END
$$;
--> statement-breakpoint
-- Only the service (the migrating user, a member of tessera_tasks_app) calls these; the role switch
-- inside would refuse anyone else anyway.
REVOKE ALL ON FUNCTION
  tasks_enter_scope(text),
  tasks_list(text, text, timestamptz, uuid, integer),
  tasks_get(text, uuid),
  tasks_create(text, text, text, text, timestamptz),
  tasks_update(text, uuid, boolean, text, boolean, text, boolean, text, boolean, timestamptz),
  tasks_delete(text, uuid)
FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION
  tasks_enter_scope(text),
  tasks_list(text, text, timestamptz, uuid, integer),
  tasks_get(text, uuid),
  tasks_create(text, text, text, text, timestamptz),
  tasks_update(text, uuid, boolean, text, boolean, text, boolean, text, boolean, timestamptz),
  tasks_delete(text, uuid)
TO tessera_tasks_app;
