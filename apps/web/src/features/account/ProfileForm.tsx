import { useEffect, useId, useState, type FormEvent } from 'react';
import { EDITOR_LANGUAGES, type LanguageId, type Settings } from '@tandem/protocol';
import { api } from '../../app/api';
import { session } from '../../app/session';
import { describeApiError } from '../../ui/errors';
import { Field } from './Field';
import { formErrors, type FormErrors } from './formErrors';

type Fields = 'displayName' | 'preferredLanguage' | 'editor';

/** Name, preferred language and editor settings, saved together in one request. */
export function ProfileForm() {
  const id = useId();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors<Fields>>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    api.me().then(
      (me) => live && setSettings(me.settings),
      (e: unknown) => live && setLoadError(describeApiError(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  if (loadError) {
    return (
      <p className="alert" role="alert">
        Your settings could not be loaded: {loadError}
      </p>
    );
  }
  if (!settings) {
    return (
      <p className="loading" role="status">
        Loading your settings…
      </p>
    );
  }

  const update = (patch: Partial<Settings>) => {
    setSaved(false);
    setSettings({ ...settings, ...patch });
  };
  const updateEditor = (patch: Partial<Settings['editor']>) =>
    update({ editor: { ...settings.editor, ...patch } });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!settings) return;
    if (!settings.displayName.trim()) {
      setErrors({ displayName: 'Enter the name others in a room will see.' });
      document.getElementById(`${id}-displayName`)?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const me = await api.saveSettings(settings);
      setSettings(me.settings);
      session.updateAccount(me.account);
      setSaved(true);
    } catch (e) {
      setErrors(formErrors(e, ['displayName', 'preferredLanguage', 'editor']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Profile and editor</h2>
      <Field
        id={`${id}-displayName`}
        label="Name"
        type="text"
        maxLength={60}
        autoComplete="name"
        value={settings.displayName}
        onChange={(e) => update({ displayName: e.target.value })}
        error={errors.displayName}
      />
      <div className="field">
        <label htmlFor={`${id}-language`}>Preferred language</label>
        <select
          id={`${id}-language`}
          value={settings.preferredLanguage ?? ''}
          onChange={(e) =>
            update({ preferredLanguage: e.target.value ? (e.target.value as LanguageId) : null })
          }
        >
          <option value="">No preference</option>
          {EDITOR_LANGUAGES.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <div className="settings-row">
        <div className="field">
          <label htmlFor={`${id}-fontSize`}>Font size</label>
          <select
            id={`${id}-fontSize`}
            value={settings.editor.fontSize}
            onChange={(e) => updateEditor({ fontSize: Number(e.target.value) })}
          >
            {[12, 13, 14, 15, 16, 18, 20, 24].map((n) => (
              <option key={n} value={n}>
                {n} px
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-tabSize`}>Tab width</label>
          <select
            id={`${id}-tabSize`}
            value={settings.editor.tabSize}
            onChange={(e) => updateEditor({ tabSize: Number(e.target.value) as 2 | 4 | 8 })}
          >
            {[2, 4, 8].map((n) => (
              <option key={n} value={n}>
                {n} spaces
              </option>
            ))}
          </select>
        </div>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.editor.lineWrapping}
          onChange={(e) => updateEditor({ lineWrapping: e.target.checked })}
        />
        Wrap long lines
      </label>
      {errors.editor && <p className="field-error">{errors.editor}</p>}
      {errors.form && (
        <p className="alert" role="alert">
          {errors.form}
        </p>
      )}
      <div className="actions-inline">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <span role="status" className="saved-note">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
