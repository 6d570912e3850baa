export { nativeFetch } from './native-fetch.ts';
