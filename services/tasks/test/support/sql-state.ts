/**
 * The SQLSTATE of a failed query: the driver error's `code`, also when drizzle wrapped it (`cause`). Lets a test
 * assert *why* a statement failed (42501: refused by row-level security) instead of only that it failed.
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Awaits `query`, which must fail, and returns its SQLSTATE. */
export async function failureSqlState(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    return sqlStateOf(error);
  }
  throw new Error('the query succeeded but was expected to fail');
}
