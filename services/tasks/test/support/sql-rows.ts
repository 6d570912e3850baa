/**
 * The rows of a raw `db.execute(sql…)` result. postgres-js answers an array of rows, PGlite an object with
 * `rows`; tests that run raw SQL on both drivers read them through this one function.
 */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) return result.rows as Row[];
  throw new TypeError('not a query result');
}
