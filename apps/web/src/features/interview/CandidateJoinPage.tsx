import { useEffect, useId, useState, type FormEvent } from 'react';
import { TandemApiError } from '@tandem/client';
import { api } from '../../app/api';
import { navigate } from '../../app/navigation';
import { roomPath } from '../../app/routes';
import { guestToken, saveGuestToken } from '../../connection/guest';
import { MAX_NAME_LENGTH, saveName } from '../../connection/identity';
import { Brand } from '../../ui/Brand';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { describeApiError } from '../../ui/errors';
import './interview.css';

/** `/join/:roomId#key`: a candidate gives a name (email optional) and goes to the lobby. */
export function CandidateJoinPage({ roomId }: { roomId: string }) {
  const id = useId();
  const [key] = useState(() => window.location.hash.slice(1));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<{ name?: string; email?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // Already asked (a reload, a second tab): keep the place in the lobby.
    if (guestToken(roomId)) navigate(roomPath(roomId));
  }, [roomId]);

  if (!key) {
    return (
      <NotFoundPage title="This invite link is incomplete">
        The part after “#” is missing. Copy the whole link from the invitation again.
      </NotFoundPage>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Enter your name, so the interviewer knows who is waiting.' });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const ticket = await api.requestLobby(roomId, {
        key,
        name: name.trim(),
        ...(email.trim() !== '' && { email: email.trim() }),
      });
      saveGuestToken(roomId, ticket.guestToken);
      // The name beside the candidate's cursor (the server keeps its own copy for the panel).
      saveName(name);
      navigate(roomPath(roomId));
    } catch (err) {
      const field = err instanceof TandemApiError ? err.field : undefined;
      const message = describeApiError(err);
      setErrors(
        field === 'name'
          ? { name: message }
          : field === 'email'
            ? { email: message }
            : { form: message },
      );
      setBusy(false);
    }
  }

  return (
    <main className="page page-narrow">
      <Brand />
      <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`}>Join your interview</h1>
        <p>No account needed. After this you wait in a lobby until an interviewer lets you in.</p>
        <div className="field">
          <label htmlFor={`${id}-name`}>Your name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={name}
            maxLength={MAX_NAME_LENGTH}
            autoComplete="name"
            autoFocus
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {errors.name && (
            <p id={`${id}-name-error`} className="field-error">
              {errors.name}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email (optional)</label>
          <input
            id={`${id}-email`}
            type="email"
            value={email}
            autoComplete="email"
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? `${id}-email-error` : `${id}-email-hint`}
            onChange={(e) => setEmail(e.target.value)}
          />
          {errors.email ? (
            <p id={`${id}-email-error`} className="field-error">
              {errors.email}
            </p>
          ) : (
            <p id={`${id}-email-hint`} className="field-hint">
              Only the interviewers see it.
            </p>
          )}
        </div>
        {errors.form && (
          <p className="alert" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Asking…' : 'Ask to join'}
        </button>
      </form>
    </main>
  );
}
