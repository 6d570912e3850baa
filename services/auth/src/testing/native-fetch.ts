import { request as httpRequest } from 'node:http';

/** What {@link nativeFetch} sends: only these headers, nothing added on the way. */
export type NativeRequestInit = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
};

/**
 * An HTTP request the way a native (iOS/Android/server) client sends it: exactly the given headers, no
 * cookie jar, no `Origin`, and none of the `Sec-Fetch-*` headers that Node's built-in `fetch` adds on its
 * own (Better Auth treats those as a browser and then demands a trusted Origin on sign-in and sign-up).
 * Answers with a WHATWG `Response`, so tests read it like a `fetch` result.
 */
export function nativeFetch(url: string, init: NativeRequestInit = {}): Promise<Response> {
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = { ...init.headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: init.method ?? 'GET', headers });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
          responseHeaders.append(incoming.rawHeaders[index] ?? '', incoming.rawHeaders[index + 1] ?? '');
        }
        const status = incoming.statusCode ?? 0;
        const hasBody = ![101, 204, 205, 304].includes(status);
        resolve(new Response(hasBody ? Buffer.concat(chunks) : null, { status, headers: responseHeaders }));
      });
    });
    outgoing.end(body);
  });
}
