import { useSyncExternalStore } from 'react';
import { session, type SessionState } from './session';

/** The signed-in account (or `restoring` / `signed-out`), re-rendering on every change. */
export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState);
}
