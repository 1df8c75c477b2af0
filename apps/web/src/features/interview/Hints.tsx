import type { InterviewState } from '@tandem/protocol';

/** The revealed hints (all anyone but staff ever receives), newest last, with when they came. */
export function Hints({ state }: { state: InterviewState }) {
  if (state.hintCount === 0) return null;
  return (
    <section className="hints" aria-labelledby="hints-heading">
      <h3 id="hints-heading">
        Hints{' '}
        <span className="hints-count">
          {state.hints.length} of {state.hintCount} revealed
        </span>
      </h3>
      {state.hints.length === 0 ? (
        <p className="field-hint">No hint yet. The interviewer may reveal some as you go.</p>
      ) : (
        <ol className="hint-list" aria-live="polite">
          {state.hints.map((h) => (
            <li key={h.index}>
              <p>{h.text}</p>
              <time dateTime={h.revealedAt}>
                {new Date(h.revealedAt).toLocaleTimeString([], {
                  hour: '2-digit',
                  minute: '2-digit',
                })}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
