/**
 * Languages the editor knows how to highlight. Which of them can also run is a
 * server fact (toolchains present), reported separately.
 */
export const EDITOR_LANGUAGES = [
  { id: 'python', label: 'Python' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'typescript', label: 'TypeScript' },
  { id: 'c', label: 'C' },
  { id: 'cpp', label: 'C++' },
  { id: 'java', label: 'Java' },
  { id: 'go', label: 'Go' },
  { id: 'rust', label: 'Rust' },
] as const;

export type LanguageId = (typeof EDITOR_LANGUAGES)[number]['id'];

export const LANGUAGE_IDS = EDITOR_LANGUAGES.map((l) => l.id) as [LanguageId, ...LanguageId[]];

export const DEFAULT_LANGUAGE: LanguageId = 'python';
