/** What every source gives: a valid JWT, refreshed shortly before it expires, and a way to forget it. */
export type TokenSource = {
  /** A JWT that has not reached its refresh margin; concurrent calls share one request. */
  token(): Promise<string>;
  /** Forgets the cached JWT, so the next `token()` fetches a new one. */
  clear(): void;
};
