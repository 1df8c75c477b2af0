import { EDITOR_LANGUAGES, type LanguageId } from '@tandem/protocol';

function isLanguageId(value: string): value is LanguageId {
  return EDITOR_LANGUAGES.some((l) => l.id === value);
}

function options(languages: readonly { id: LanguageId; label: string }[]) {
  return languages.map((l) => (
    <option key={l.id} value={l.id}>
      {l.label}
    </option>
  ));
}

/**
 * A labelled select of every language the editor highlights. Given which of
 * them can run on this server, it groups them into those that run and those
 * that can only be edited.
 */
export function LanguageSelect({
  id,
  value,
  onChange,
  disabled,
  describedBy,
  runnable,
}: {
  id: string;
  value: LanguageId;
  onChange: (language: LanguageId) => void;
  disabled?: boolean;
  describedBy?: string | undefined;
  runnable?: readonly string[] | null;
}) {
  const runs = runnable ? EDITOR_LANGUAGES.filter((l) => runnable.includes(l.id)) : null;
  const editOnly = runnable ? EDITOR_LANGUAGES.filter((l) => !runnable.includes(l.id)) : null;
  return (
    <select
      id={id}
      value={value}
      disabled={disabled}
      aria-describedby={describedBy}
      onChange={(e) => {
        if (isLanguageId(e.target.value)) onChange(e.target.value);
      }}
    >
      {runs && editOnly ? (
        <>
          {runs.length > 0 && <optgroup label="Runs here">{options(runs)}</optgroup>}
          {editOnly.length > 0 && (
            <optgroup label="Editor only (can't run here)">{options(editOnly)}</optgroup>
          )}
        </>
      ) : (
        options(EDITOR_LANGUAGES)
      )}
    </select>
  );
}
