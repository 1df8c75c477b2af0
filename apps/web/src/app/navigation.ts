import { useSyncExternalStore } from 'react';

/**
 * Client-side navigation without a router: the path lives in `window.location`,
 * `navigate` pushes history entries and notifies subscribers, the back button
 * works through `popstate`.
 */
const NAVIGATE_EVENT = 'tandem:navigate';

export interface NavigationState {
  /** Set when the user arrives on a room they just created: the page offers the link. */
  created?: boolean;
}

export function navigate(path: string, state: NavigationState = {}): void {
  window.history.pushState(state, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The state pushed with the current entry, read once per render. */
export function currentNavigationState(): NavigationState {
  const state: unknown = window.history.state;
  return typeof state === 'object' && state !== null ? (state as NavigationState) : {};
}
