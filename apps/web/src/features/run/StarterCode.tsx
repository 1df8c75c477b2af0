import { useCallback, useSyncExternalStore } from 'react';
import type { RoomConnection } from '@tandem/client';

type SharedText = RoomConnection['text'];

function useIsEmpty(text: SharedText): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      text.observe(onChange);
      return () => text.unobserve(onChange);
    },
    [text],
  );
  return useSyncExternalStore(subscribe, () => text.length === 0);
}

/**
 * Offers the starter while the shared document is empty: the function stub of
 * the chosen problem when it has one for the language, else the language's
 * template.
 * It is never inserted on its own: with two people in the room it would be
 * inserted twice. Inserted as a plain local edit, so Undo takes it back.
 */
export function StarterCode({
  text,
  synced,
  template,
  what,
}: {
  text: SharedText;
  synced: boolean;
  template: string | undefined;
  /** What the starter is, e.g. `Python 3 template` or `twoSum stub in Python 3`. */
  what: string;
}) {
  const empty = useIsEmpty(text);
  // Before the first sync an empty document may only be one that hasn't arrived yet.
  if (!synced || !empty || !template) return null;
  return (
    <div className="starter">
      <p>The editor is empty.</p>
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => {
          if (text.length === 0) text.insert(0, template);
        }}
      >
        Insert starter code
      </button>
      <span className="starter-language">{what}</span>
    </div>
  );
}
