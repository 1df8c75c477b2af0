import { useId, useState, type FormEvent } from 'react';
import type { Room } from '@tandem/protocol';
import { MAX_NAME_LENGTH, saveName } from '../../connection/identity';
import { roomLink } from '../../app/routes';
import { Brand } from '../../ui/Brand';
import { ShareLink } from '../../ui/ShareLink';

/** Asks for a display name before entering a room; the name is remembered for next time. */
export function JoinForm({ room, justCreated }: { room: Room; justCreated: boolean }) {
  const id = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) {
      setError('Enter the name others will see next to your cursor.');
      return;
    }
    saveName(name);
  }

  return (
    <main className="page page-narrow">
      <Brand />
      {justCreated && (
        <section className="card notice" aria-labelledby={`${id}-created`}>
          <h2 id={`${id}-created`}>Your room is ready</h2>
          <p>Send this link to the people you want in the room. Anyone with it can join.</p>
          <ShareLink link={roomLink(room.id)} />
        </section>
      )}
      <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`}>Join “{room.title}”</h1>
        <div className="field">
          <label htmlFor={`${id}-name`}>Your name</label>
          <input
            id={`${id}-name`}
            type="text"
            value={name}
            maxLength={MAX_NAME_LENGTH}
            autoComplete="name"
            // The only field on a page the user came to fill in.
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-name-error` : `${id}-name-hint`}
            onChange={(e) => setName(e.target.value)}
          />
          {error ? (
            <p id={`${id}-name-error`} className="field-error">
              {error}
            </p>
          ) : (
            <p id={`${id}-name-hint`} className="field-hint">
              Shown to everyone in the room, next to your cursor.
            </p>
          )}
        </div>
        <button type="submit" className="button">
          Join room
        </button>
      </form>
    </main>
  );
}
