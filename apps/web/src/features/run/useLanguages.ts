import { useEffect, useState } from 'react';
import type { RunLanguage } from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';

export type LanguagesState =
  | { state: 'loading' }
  | { state: 'ready'; languages: RunLanguage[] }
  | { state: 'failed'; message: string };

// One request per page: which toolchains the host has does not change while it runs.
let request: Promise<RunLanguage[]> | null = null;

function load(): Promise<RunLanguage[]> {
  request ??= api.languages().catch((error: unknown) => {
    request = null; // the next room visit asks again
    throw error;
  });
  return request;
}

/** The languages that really run on this server, with their versions and templates. */
export function useLanguages(): LanguagesState {
  const [languages, setLanguages] = useState<LanguagesState>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    load().then(
      (list) => current && setLanguages({ state: 'ready', languages: list }),
      (error: unknown) =>
        current && setLanguages({ state: 'failed', message: describeApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, []);
  return languages;
}

/** The toolchain that runs code written in the editor language `editorLanguage`, if any. */
export function runnableFor(
  languages: RunLanguage[],
  editorLanguage: string,
): RunLanguage | undefined {
  return (
    languages.find((l) => l.id === editorLanguage) ??
    languages.find((l) => l.editor === editorLanguage)
  );
}
