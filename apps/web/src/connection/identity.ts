import { useSyncExternalStore } from 'react';
import { USER_COLORS, randomUserColor } from '../ui/palette';

/** Who this browser is in every room: a display name and a colour, kept in localStorage. */
export interface Identity {
  name: string;
  color: string;
}

const STORAGE_KEY = 'tandem.identity';
const CHANGE_EVENT = 'tandem:identity';
export const MAX_NAME_LENGTH = 60;

function parse(raw: string | null): Identity | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Identity>;
    const name = typeof value.name === 'string' ? value.name.trim() : '';
    if (!name) return null;
    const color = USER_COLORS.find((c) => c === value.color) ?? randomUserColor();
    return { name: name.slice(0, MAX_NAME_LENGTH), color };
  } catch {
    return null;
  }
}

function readRaw(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the name is asked again on each visit
  }
}

let cache: { raw: string | null; identity: Identity | null } = { raw: null, identity: null };
// Without storage the identity lives only in memory for this page.
let memory: string | null = null;

function snapshot(): Identity | null {
  const raw = readRaw() ?? memory;
  if (raw !== cache.raw) cache = { raw, identity: parse(raw) };
  return cache.identity;
}

function subscribe(onChange: () => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY) onChange();
  };
  window.addEventListener('storage', onStorage);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onStorage);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** The stored identity, or null until the user has given a name. */
export function useIdentity(): Identity | null {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Remembers the name; the colour is kept if there was one, picked otherwise. */
export function saveName(name: string): Identity {
  const identity: Identity = {
    name: name.trim().slice(0, MAX_NAME_LENGTH),
    color: snapshot()?.color ?? randomUserColor(),
  };
  const raw = JSON.stringify(identity);
  memory = raw;
  try {
    window.localStorage.setItem(STORAGE_KEY, raw);
  } catch {
    // kept in memory only
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
  return identity;
}
