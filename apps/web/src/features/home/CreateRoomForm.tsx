import { useId, useState, type FormEvent } from 'react';
import { TandemApiError } from '@tandem/client';
import { DEFAULT_LANGUAGE, type LanguageId, type Room } from '@tandem/protocol';
import { api } from '../../app/api';
import { LanguageSelect } from '../../ui/LanguageSelect';
import { describeApiError } from '../../ui/errors';

const MAX_TITLE_LENGTH = 120;

interface FormErrors {
  title?: string;
  language?: string;
  form?: string;
}

function errorsFrom(error: unknown): FormErrors {
  if (error instanceof TandemApiError && error.status === 400) {
    if (error.field === 'title') return { title: error.message };
    if (error.field === 'language') return { language: error.message };
  }
  return { form: describeApiError(error) };
}

/** Title and language in, a new room out; errors shown beside the field they concern. */
export function CreateRoomForm({ onCreated }: { onCreated: (room: Room) => void }) {
  const id = useId();
  const [title, setTitle] = useState('');
  const [language, setLanguage] = useState<LanguageId>(DEFAULT_LANGUAGE);
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!title.trim()) {
      setErrors({ title: 'Give the room a title, for example “Backend pairing”.' });
      document.getElementById(`${id}-title`)?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      onCreated(await api.createRoom({ title: title.trim(), language }));
    } catch (error) {
      setErrors(errorsFrom(error));
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Quick pairing room</h2>
      <p className="field-hint">
        An open pad: anyone with the link edits. No lobby, no interviewer controls.
      </p>
      <div className="field">
        <label htmlFor={`${id}-title`}>Room title</label>
        <input
          id={`${id}-title`}
          type="text"
          value={title}
          maxLength={MAX_TITLE_LENGTH}
          placeholder="Backend pairing with Sam"
          autoComplete="off"
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={errors.title ? `${id}-title-error` : undefined}
          onChange={(e) => setTitle(e.target.value)}
        />
        {errors.title && (
          <p id={`${id}-title-error`} className="field-error">
            {errors.title}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-language`}>Language</label>
        <LanguageSelect
          id={`${id}-language`}
          value={language}
          onChange={setLanguage}
          describedBy={errors.language ? `${id}-language-error` : undefined}
        />
        {errors.language && (
          <p id={`${id}-language-error`} className="field-error">
            {errors.language}
          </p>
        )}
      </div>
      {errors.form && (
        <p className="alert" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Creating…' : 'Create room'}
      </button>
    </form>
  );
}
