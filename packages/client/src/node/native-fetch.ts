import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A `fetch` for Node that sends a request the way a native app's HTTP stack does: exactly the given headers, no
 * cookie jar, and none of the `Sec-Fetch-Mode` that Node's own `fetch` adds (Better Auth takes that for a browser
 * and then demands a trusted `Origin` on sign-in). Bodies: string, bytes, `URLSearchParams`; the answer is read
 * whole. Pass it as `nativeSession({ fetch: nativeFetch })`, or use it in tests as a native client.
 */
export async function nativeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (input instanceof Request) throw new TypeError('nativeFetch takes a URL and an init, not a Request');
  const url = new URL(input);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = encodeBody(init.body, headers);
  if (body !== undefined) headers['content-length'] = String(body.length);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers, signal: init.signal ?? undefined });
    outgoing.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
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

function encodeBody(body: RequestInit['body'], headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return Buffer.from(body.toString());
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('nativeFetch sends string, bytes or URLSearchParams bodies only');
}
