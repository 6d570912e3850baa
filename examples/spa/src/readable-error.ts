import { ClientError } from '@tessera/client';

/**
 * A sentence for a person: the server's own message when it sent one (problem+json `detail`, which Better Auth's
 * client surfaces as `message`), a plain one for a network failure.
 */
export function readableError(error: unknown): string {
  if (error instanceof TypeError) return 'Cannot reach the server. Check your connection and try again.';
  if (
    error instanceof ClientError &&
    (error.code === 'token_unavailable' || (error.code === 'request_failed' && 'status' in error && error.status === 0))
  ) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  if (error instanceof Error && error.message !== '') return error.message;
  if (typeof error === 'object' && error !== null) {
    const { message, statusText, status } = error as { message?: unknown; statusText?: unknown; status?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (status === 0 || status === undefined) return 'Cannot reach the server. Check your connection and try again.';
    if (typeof statusText === 'string' && statusText !== '') return statusText;
  }
  return 'Something went wrong. Please try again.';
}

/** The readable error of a failed tasks API answer (problem+json). */
export async function responseError(response: Response): Promise<Error> {
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  return new Error(problem.detail ?? problem.title ?? `The server answered ${response.status}.`);
}
