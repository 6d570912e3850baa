import type { Context } from 'hono';
import { HttpProblem } from './problem.ts';
import type { ServerVariables } from './server-variables.ts';

/** Facts a check reports besides its outcome, e.g. `{ age_seconds: 3 }`: shown under `details.<check>`. */
export type ReadinessDetail = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Named checks run by `GET /readyz`; each resolves when its dependency is usable and rejects when not.
 * A check may resolve with a {@link ReadinessDetail}.
 */
export type ReadinessChecks = Record<string, () => Promise<void | ReadinessDetail>>;

/** Outcome of each check, as reported in the `/readyz` body. */
export type ReadinessReport = Record<string, 'ok' | 'failed' | 'timeout'>;

/** How long one check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * The `/readyz` handler: runs every check in parallel with a timeout; 200 `{ status: 'ready', checks }`, or
 * 503 `not_ready` problem+json with `checks`. Why a check failed is logged, never answered (it may hold SQL).
 */
export function readinessHandler(checks: ReadinessChecks, timeoutMs = READINESS_TIMEOUT_MS) {
  return async function readyz(c: Context<{ Variables: ServerVariables }>): Promise<Response> {
    const names = Object.keys(checks);
    const details: Record<string, ReadinessDetail> = {};
    const outcomes = await Promise.all(
      names.map((name) => runCheck(name, checks[name]!, timeoutMs, c, (detail) => (details[name] = detail))),
    );
    const report: ReadinessReport = Object.fromEntries(names.map((name, index) => [name, outcomes[index]!]));
    const withDetails = Object.keys(details).length === 0 ? {} : { details };
    if (outcomes.every((outcome) => outcome === 'ok'))
      return c.json({ status: 'ready', checks: report, ...withDetails });
    throw new HttpProblem({
      status: 503,
      code: 'not_ready',
      detail: 'A dependency of this service is not available.',
      headers: { 'Retry-After': '5' },
      extensions: { checks: report, ...withDetails },
    });
  };
}

async function runCheck(
  name: string,
  check: () => Promise<void | ReadinessDetail>,
  timeoutMs: number,
  c: Context<{ Variables: ServerVariables }>,
  onDetail: (detail: ReadinessDetail) => void,
): Promise<'ok' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol('timeout');
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      check().then((detail) => {
        if (detail) onDetail(detail);
        return 'ok' as const;
      }),
      timeout,
    ]);
    if (outcome === timedOut) {
      c.var.log.warn({ check: name, timeoutMs }, 'readiness check timed out');
      return 'timeout';
    }
    return outcome;
  } catch (error) {
    c.var.log.warn({ check: name, err: error }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}
