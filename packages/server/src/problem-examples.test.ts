import { describe, expect, it } from 'vitest';
import { withProblemExamples } from './problem-examples.ts';

describe('withProblemExamples', () => {
  it('gives each problem+json response an example with its own status, title and first named code', () => {
    const problem = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    const document = withProblemExamples({
      paths: {
        '/v1/tasks': {
          get: {
            responses: {
              200: { description: 'ok', content: { 'application/json': { schema: {} } } },
              400: problem('Invalid request: `validation_failed`, or `invalid_json`'),
              401: problem('Missing or invalid bearer token (`token_missing`, `invalid_token`)'),
              403: problem('Not allowed (`forbidden`)'),
              503: problem('Unavailable (`database_unavailable`, `keys_unavailable`)'),
            },
          },
        },
      },
    });
    const examples = Object.fromEntries(
      Object.entries(document.paths['/v1/tasks'].get.responses).map(([status, response]) => [
        status,
        (response.content as Record<string, { example?: unknown }>)['application/problem+json']?.example,
      ]),
    );
    expect(examples).toEqual({
      200: undefined,
      400: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'Invalid request: validation_failed, or invalid_json',
        code: 'validation_failed',
      },
      401: {
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'Missing or invalid bearer token (token_missing, invalid_token)',
        code: 'token_missing',
      },
      403: {
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: 'Not allowed (forbidden)',
        code: 'forbidden',
      },
      503: {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'Unavailable (database_unavailable, keys_unavailable)',
        code: 'database_unavailable',
      },
    });
  });
});
