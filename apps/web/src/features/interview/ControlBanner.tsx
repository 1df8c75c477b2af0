import type { InterviewView } from './useInterview';

/** The room's state in words, above the editor: ended, editor locked, Run off. */
export function ControlBanner({ view }: { view: InterviewView }) {
  const { state, role } = view;
  if (!state) return null;
  const notes: string[] = [];
  if (state.endedAt) notes.push('This interview has ended. Everything is read-only now.');
  else {
    const you = role === 'candidate';
    if (state.editorLocked)
      notes.push(you ? 'Editor locked by the interviewer.' : 'The candidate’s editor is locked.');
    if (!state.runEnabled)
      notes.push(you ? 'Run disabled by the interviewer.' : 'Run is off for the candidate.');
    if (role === 'observer') notes.push('You are observing: read-only.');
  }
  if (notes.length === 0) return null;
  return (
    <div className={`control-banner${state.endedAt ? ' control-banner-ended' : ''}`} role="status">
      {notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
    </div>
  );
}
