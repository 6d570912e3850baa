import type { SignedOutError } from './errors.ts';

/** Called when a session ends: signed out here or in another tab, or refused by the auth service. */
export type SignedOutListener = (error: SignedOutError) => void;

/** The listeners of one session source. */
export function createSignedOutEvents() {
  const listeners = new Set<SignedOutListener>();
  return {
    /** Adds a listener; returns the function that removes it. */
    on(listener: SignedOutListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(error: SignedOutError): void {
      for (const listener of [...listeners]) listener(error);
    },
  };
}
