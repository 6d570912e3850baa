export { authFetch } from './auth-fetch.ts';
export type { Fetch } from './auth-requests.ts';
export type { BrowserSession, BrowserSessionOptions } from './browser/browser-session.ts';
export { browserSession } from './browser/browser-session.ts';
export type { ClientCredentialsOptions } from './client-credentials.ts';
export { clientCredentials } from './client-credentials.ts';
export type { ClientErrorCode } from './errors.ts';
export {
  ClientError,
  InvalidResponseError,
  OAuthError,
  RequestFailedError,
  SignedOutError,
  TokenUnavailableError,
} from './errors.ts';
export type { NativeSession, NativeSessionOptions, SessionStorage, SessionUser } from './native-session.ts';
export { nativeSession } from './native-session.ts';
export type { RefreshOptions } from './refreshing-token.ts';
export type { SignedOutListener } from './signed-out-events.ts';
export type { TokenSource } from './token-source.ts';
