/**
 * Which tab of this browser fetches tokens: the one holding a Web Lock, so that every refresh is made once and
 * shared with the other tabs over a BroadcastChannel. Without Web Locks every tab may fetch (and still shares
 * what it gets); without BroadcastChannel a tab is on its own.
 */
export type TabLeader = {
  /** Whether this tab fetches tokens itself; a follower asks the leader. */
  isLeader(): boolean;
  /** Gives up the lock (the next tab in line takes it). */
  close(): void;
};

export function electTabLeader(lockName: string): TabLeader {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks === undefined) return { isLeader: () => true, close: () => undefined };

  let leader = false;
  let release: (() => void) | undefined;
  const abort = new AbortController();
  // Held until the tab closes (the browser then releases it) or close() is called.
  locks
    .request(lockName, { signal: abort.signal }, () => {
      leader = true;
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    })
    .catch(() => undefined);
  return {
    isLeader: () => leader,
    close() {
      abort.abort();
      leader = false;
      release?.();
    },
  };
}
