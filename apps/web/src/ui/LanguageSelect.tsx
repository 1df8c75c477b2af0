import { EDITOR_LANGUAGES, type LanguageId } from '@tandem/protocol';

function isLanguageId(value: string): value is LanguageId {
  return EDITOR_LANGUAGES.some((l) => l.id === value);
}

/** A labelled select of every language the editor highlights. */
export function LanguageSelect({
  id,
  value,
  onChange,
  disabled,
  describedBy,
}: {
  id: string;
  value: LanguageId;
  onChange: (language: LanguageId) => void;
  disabled?: boolean;
  describedBy?: string | undefined;
}) {
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
      {EDITOR_LANGUAGES.map((l) => (
        <option key={l.id} value={l.id}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
