import { useId } from 'react';
import { useProblems } from './useProblems';

/**
 * Which problem to judge the code against, or none to run with stdin. The
 * choice is this person's own for now (an interviewer-assigned problem comes
 * later).
 */
export function ProblemPicker({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const id = useId();
  const problems = useProblems();
  return (
    <div className="field problem-picker">
      <label htmlFor={`${id}-problem`}>Problem</label>
      <select
        id={`${id}-problem`}
        value={value ?? ''}
        aria-describedby={problems.state === 'failed' ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">No problem — run with input</option>
        {problems.state === 'ready' &&
          problems.value.map((p) => (
            <option key={p.id} value={p.id}>
              {p.title} ({p.difficulty})
            </option>
          ))}
      </select>
      {problems.state === 'failed' && (
        <p id={`${id}-hint`} className="field-hint">
          Problems could not be loaded: {problems.message}
        </p>
      )}
    </div>
  );
}
