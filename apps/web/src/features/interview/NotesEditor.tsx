import { useEffect, useId, useState } from 'react';
import type { RoomConnection } from '@tandem/client';

/**
 * The interviewers' private notes: a Yjs text of its own, shared by the
 * interviewers of this room and never sent to the candidate. Observers read.
 */
export function NotesEditor({ conn, readOnly }: { conn: RoomConnection; readOnly: boolean }) {
  const id = useId();
  const notes = conn.notes();
  const [value, setValue] = useState(() => notes.text.toString());

  useEffect(() => {
    const update = () => setValue(notes.text.toString());
    update();
    notes.text.observe(update);
    return () => notes.text.unobserve(update);
  }, [notes]);

  function change(next: string) {
    const current = notes.text.toString();
    let start = 0;
    while (start < current.length && start < next.length && current[start] === next[start]) start++;
    let end = 0;
    while (
      end < current.length - start &&
      end < next.length - start &&
      current[current.length - 1 - end] === next[next.length - 1 - end]
    )
      end++;
    notes.doc.transact(() => {
      notes.text.delete(start, current.length - start - end);
      notes.text.insert(start, next.slice(start, next.length - end));
    });
  }

  return (
    <div className="field">
      <label htmlFor={id}>Private notes</label>
      <textarea
        id={id}
        className="notes"
        rows={6}
        value={value}
        readOnly={readOnly}
        placeholder={
          readOnly ? 'No notes yet.' : 'Only interviewers see these notes. They save as you type.'
        }
        aria-describedby={`${id}-hint`}
        onChange={(e) => change(e.target.value)}
      />
      <p id={`${id}-hint`} className="field-hint">
        Shared with the other interviewers{readOnly ? '; observers read them' : ''}. Never sent to
        the candidate.
      </p>
    </div>
  );
}
