-- tasks_list, formatting only the page it returns. In 0002, the timestamps were formatted in the same query
-- level as ORDER BY … LIMIT, so a plan that sorts (a bitmap scan, as Postgres picks for a small or unanalyzed
-- table) ran to_char on every row of the subject before keeping p_max_rows of them: three calls per row, most
-- of the statement's time. The subquery keeps the page first, and the outer query formats only that.
-- Same signature and result, so CREATE OR REPLACE keeps the function's owner and privileges.
CREATE OR REPLACE FUNCTION tasks_list(p_subject text, p_status text, p_after_created_at timestamptz, p_after_id uuid, p_max_rows integer)
RETURNS TABLE (id uuid, user_id text, title text, description text, status text, due_at text, created_at text, updated_at text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM tasks_enter_scope(p_subject);
  IF p_after_created_at IS NULL THEN
    RETURN QUERY
      SELECT page.id, page.user_id, page.title, page.description, page.status,
             to_char(page.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(page.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(page.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM (
        SELECT t.id, t.user_id, t.title, t.description, t.status, t.due_at, t.created_at, t.updated_at
        FROM tasks t
        WHERE t.user_id = p_subject AND (p_status IS NULL OR t.status = p_status)
        ORDER BY t.created_at, t.id
        LIMIT p_max_rows
      ) AS page
      ORDER BY page.created_at, page.id;
  ELSE
    RETURN QUERY
      SELECT page.id, page.user_id, page.title, page.description, page.status,
             to_char(page.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(page.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
             to_char(page.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      FROM (
        SELECT t.id, t.user_id, t.title, t.description, t.status, t.due_at, t.created_at, t.updated_at
        FROM tasks t
        WHERE t.user_id = p_subject AND (p_status IS NULL OR t.status = p_status)
          AND (t.created_at, t.id) > (p_after_created_at, p_after_id)
        ORDER BY t.created_at, t.id
        LIMIT p_max_rows
      ) AS page
      ORDER BY page.created_at, page.id;
  END IF;
END
$$;
