import { useId, useState, type FormEvent } from 'react';
import { TandemApiError } from '@tandem/client';
import type { InterviewDetails } from '@tandem/protocol';
import { api } from '../../app/api';
import { navigate } from '../../app/navigation';
import { roomPath } from '../../app/routes';
import { describeApiError } from '../../ui/errors';
import { useProblems } from '../problems/useProblems';
import { InviteLinks } from './InviteLinks';
import './interview.css';

/** Signed in: a title and a first problem in, an interview room and its two links out. */
export function CreateInterviewForm() {
  const id = useId();
  const problems = useProblems();
  const [title, setTitle] = useState('');
  const [problemId, setProblemId] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<InterviewDetails | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!title.trim()) {
      setError({
        field: 'title',
        message: 'Give the interview a title, e.g. “Backend — Sam Lee”.',
      });
      document.getElementById(`${id}-title`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setCreated(
        await api.createInterview({
          title: title.trim(),
          ...(problemId !== '' && { problemId }),
        }),
      );
    } catch (err) {
      const field = err instanceof TandemApiError ? err.field : undefined;
      setError({ ...(field !== undefined && { field }), message: describeApiError(err) });
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <section className="card interview-created" aria-labelledby={`${id}-created`}>
        <h2 id={`${id}-created`}>“{created.room.title}” is ready</h2>
        <p>Send each link to the right people. You can copy them again from the room.</p>
        {created.links && <InviteLinks links={created.links} />}
        <div className="form-actions">
          <button
            type="button"
            className="button"
            onClick={() => navigate(roomPath(created.room.id))}
          >
            Open the interview room
          </button>
          <button type="button" className="button button-quiet" onClick={() => setCreated(null)}>
            Create another
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Create an interview</h2>
      <p className="field-hint">
        You host it: candidates wait in a lobby until you let them in, and you steer the problem,
        hints, editor and Run.
      </p>
      <div className="field">
        <label htmlFor={`${id}-title`}>Interview title</label>
        <input
          id={`${id}-title`}
          type="text"
          value={title}
          maxLength={120}
          placeholder="Backend — Sam Lee"
          autoComplete="off"
          aria-invalid={error?.field === 'title' ? true : undefined}
          aria-describedby={error?.field === 'title' ? `${id}-title-error` : undefined}
          onChange={(e) => setTitle(e.target.value)}
        />
        {error?.field === 'title' && (
          <p id={`${id}-title-error`} className="field-error">
            {error.message}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-problem`}>First problem</label>
        <select
          id={`${id}-problem`}
          value={problemId}
          onChange={(e) => setProblemId(e.target.value)}
        >
          <option value="">Choose later, in the room</option>
          {problems.state === 'ready' &&
            problems.value.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title} ({p.difficulty})
              </option>
            ))}
        </select>
      </div>
      {error && error.field !== 'title' && (
        <p className="alert" role="alert">
          {error.message}
        </p>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Creating…' : 'Create interview'}
      </button>
    </form>
  );
}
