import { useEffect, useState } from 'react';
import type { ProblemSummary, ProblemView } from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';

export type Loaded<T> =
  { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

/** Runs `fetch` whenever `key` changes; an answer for a stale key is dropped. */
function useFetch<T>(key: string | null, fetch: (key: string) => Promise<T>): Loaded<T> | null {
  const [loaded, setLoaded] = useState<{ key: string; value: Loaded<T> } | null>(null);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    setLoaded({ key, value: { state: 'loading' } });
    fetch(key).then(
      (value) => current && setLoaded({ key, value: { state: 'ready', value } }),
      (error: unknown) =>
        current && setLoaded({ key, value: { state: 'failed', message: describeApiError(error) } }),
    );
    return () => {
      current = false;
    };
  }, [key, fetch]);
  if (key === null) return null;
  return loaded?.key === key ? loaded.value : { state: 'loading' };
}

const listProblems = () => api.problems();
/** Problems do not change while the server runs: the statement and the starter share one fetch. */
const fetched = new Map<string, Promise<ProblemView>>();
const getProblem = (id: string) => {
  let problem = fetched.get(id);
  if (!problem) {
    problem = api.problem(id);
    fetched.set(id, problem);
    problem.catch(() => fetched.delete(id));
  }
  return problem;
};

/** The problems this server can judge against (summaries only). */
export function useProblems(): Loaded<ProblemSummary[]> {
  return useFetch('all', listProblems) ?? { state: 'loading' };
}

/** One problem's public view (statement, examples, hidden case count), or null for none. */
export function useProblem(id: string | null): Loaded<ProblemView> | null {
  return useFetch(id, getProblem);
}
