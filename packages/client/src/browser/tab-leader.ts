/**
 * Which tab of this browser fetches tokens: the one holding a Web Lock, so that every refresh is made once and
 * shared with the other tabs over a BroadcastChannel. Without Web Locks every tab may fetch (and still shares
 * what it gets); without BroadcastChannel a tab is on its own.
 */
export type TabLeader = {
  /** Settles once this tab knows whether it leads: before that, asking a leader could ask nobody. */
  ready: Promise<void>;
  /** Whether this tab fetches tokens itself; a follower asks the leader. */
  isLeader(): boolean;
  /** Gives up the lock, or the place in line for it (the next tab takes it). */
  close(): void;
};

/** A tab that fetches for itself. */
export const SOLE_TAB: TabLeader = { ready: Promise.resolve(), isLeader: () => true, close: () => undefined };

export function electTabLeader(lockName: string): TabLeader {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks === undefined) return SOLE_TAB;

  let leader = false;
  let release: (() => void) | undefined;
  let decided: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    decided = resolve;
  });
  const abort = new AbortController();
  // Held until the tab closes (the browser then releases it) or close() is called.
  const hold = () => {
    leader = true;
    decided();
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  };

  locks
    .request(lockName, { ifAvailable: true }, (lock) => {
      if (lock !== null) return hold();
      decided(); // another tab leads; wait in line behind it
      locks.request(lockName, { signal: abort.signal }, hold).catch(() => undefined);
      return undefined;
    })
    .catch(() => decided());

  return {
    ready,
    isLeader: () => leader,
    close() {
      abort.abort();
      leader = false;
      release?.();
    },
  };
}
