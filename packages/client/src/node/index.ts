export { nativeFetch } from './native-fetch.ts';
export type { NativeFetchInit } from './native-fetch.ts';
