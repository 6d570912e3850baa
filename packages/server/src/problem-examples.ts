import { STATUS_CODES } from 'node:http';

type MediaType = { schema?: unknown; example?: unknown };
type ResponseObject = { description?: string; content?: Record<string, MediaType> };
type OpenApiDocument = {
  paths?: Record<string, Record<string, { responses?: Record<string, ResponseObject> } | unknown>>;
};

/** The first `snake_case` code a response's description names in backticks, e.g. `task_not_found`. */
const CODE_IN_DESCRIPTION = /`([a-z][a-z0-9]*(?:_[a-z0-9]+)*)`/;

/**
 * Gives every problem+json response of an OpenAPI document an example of its own status: `401` shows
 * `{ "status": 401, "title": "Unauthorized", "code": "token_missing", … }`, not the shared schema's example. The code
 * is the first one the response's description names in backticks. Returns the same document, changed in place.
 */
export function withProblemExamples<T extends object>(document: T): T {
  for (const operations of Object.values((document as OpenApiDocument).paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const responses = (operation as { responses?: Record<string, ResponseObject> } | null)?.responses ?? {};
      for (const [statusText, response] of Object.entries(responses)) {
        const status = Number(statusText);
        const media = response.content?.['application/problem+json'];
        if (!Number.isInteger(status) || media === undefined || media.example !== undefined) continue;
        const title = STATUS_CODES[status] ?? 'Error';
        const code =
          CODE_IN_DESCRIPTION.exec(response.description ?? '')?.[1] ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '_');
        media.example = {
          type: 'about:blank',
          title,
          status,
          detail: (response.description ?? title).replace(/`/g, ''),
          code,
        };
      }
    }
  }
  return document;
}
