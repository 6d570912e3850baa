/**
 * Requests the way a native (iOS/Android/server) client sends them: exactly the given headers, no cookie jar, no
 * `Origin`, and none of the `Sec-Fetch-*` headers that Node's built-in `fetch` adds (Better Auth treats those as a
 * browser and then demands a trusted Origin on sign-in and sign-up). One definition, in `@tessera/client/node`.
 */
export { nativeFetch } from '@tessera/client/node';

/** What tests hand {@link nativeFetch}: only these headers are sent, nothing added on the way. */
export type NativeRequestInit = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
};
