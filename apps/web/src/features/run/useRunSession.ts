import { useCallback, useRef, useState } from 'react';
import { TandemError, type ConnectionStatus, type RoomConnection } from '@tandem/client';
import {
  EDITOR_LANGUAGES,
  type LanguageId,
  type RunLanguage,
  type RunView,
} from '@tandem/protocol';
import { runnableFor, useLanguages, type LanguagesState } from './useLanguages';
import { useRuns } from './useRuns';

/** Everything the run panel shows and does, for one person in one room. */
export interface RunSession {
  /** The room's latest run, whoever started it. */
  latest: RunView | null;
  languages: LanguagesState;
  /** The toolchain that runs the room's language here, once known. */
  toolchain: RunLanguage | null;
  /** Why Run is unavailable right now, in words; null when it can be pressed. */
  blockedReason: string | null;
  /** A run of this room is queued or running. */
  inFlight: boolean;
  stdin: string;
  setStdin: (stdin: string) => void;
  /** The problem to judge against; local to this person for now. */
  problemId: string | null;
  setProblemId: (id: string | null) => void;
  starting: boolean;
  stopping: boolean;
  error: string | null;
  dismissError: () => void;
  start: () => void;
  stop: () => void;
}

function describeRunError(error: unknown): string {
  // The server's messages are written for people (a rate limit says when to retry).
  if (error instanceof TandemError) return error.message;
  return 'The server did not answer. Check your connection and try again.';
}

function languageLabel(id: LanguageId): string {
  return EDITOR_LANGUAGES.find((l) => l.id === id)?.label ?? id;
}

function whyBlocked(
  status: ConnectionStatus,
  languages: LanguagesState,
  language: LanguageId,
  toolchain: RunLanguage | null,
): string | null {
  if (status !== 'connected') return 'Running code needs a connection to the server.';
  if (languages.state === 'loading') return 'Checking which languages can run here…';
  // Without the list the server still decides: let the person try.
  if (languages.state === 'failed' || toolchain) return null;
  if (languages.languages.length === 0) {
    return 'Code cannot run on this server right now: no sandbox is available. You can still write code.';
  }
  return `${languageLabel(language)} can't run on this server: its toolchain is not installed. You can still write code in it.`;
}

/** In interview rooms the server decides: the assigned problem, and why Run is off. */
export interface RunControl {
  problemId: string | null;
  blockedReason: string | null;
}

export function useRunSession(
  conn: RoomConnection,
  language: LanguageId,
  status: ConnectionStatus,
  control: RunControl | null = null,
): RunSession {
  const { latest, offer } = useRuns(conn);
  const languages = useLanguages();
  const [stdin, setStdin] = useState('');
  const [ownProblemId, setProblemId] = useState<string | null>(null);
  const problemId = control ? control.problemId : ownProblemId;
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toolchain =
    languages.state === 'ready' ? (runnableFor(languages.languages, language) ?? null) : null;
  const blockedReason =
    control?.blockedReason ?? whyBlocked(status, languages, language, toolchain);
  const inFlight = latest !== null && latest.status !== 'finished';

  // The editor's shortcut calls `start` from a closure made at an earlier render.
  const now = useRef({ blockedReason, inFlight, starting, stdin, problemId, toolchain });
  now.current = { blockedReason, inFlight, starting, stdin, problemId, toolchain };

  const start = useCallback(() => {
    const s = now.current;
    if (s.blockedReason || s.inFlight || s.starting) return;
    setStarting(true);
    setError(null);
    const request = s.problemId
      ? {
          language: s.toolchain?.id ?? language,
          source: conn.text.toString(),
          problemId: s.problemId,
        }
      : { language: s.toolchain?.id ?? language, source: conn.text.toString(), stdin: s.stdin };
    conn.run(request).then(
      (run) => {
        setStarting(false);
        offer(run);
      },
      (err: unknown) => {
        setStarting(false);
        setError(describeRunError(err));
      },
    );
  }, [conn, language, offer]);

  const stop = useCallback(() => {
    if (!latest || latest.status === 'finished') return;
    setStopping(true);
    conn.cancelRun(latest.id).then(
      () => setStopping(false),
      (err: unknown) => {
        setStopping(false);
        setError(`The run could not be stopped: ${describeRunError(err)}`);
      },
    );
  }, [conn, latest]);

  return {
    latest,
    languages,
    toolchain,
    blockedReason,
    inFlight,
    stdin,
    setStdin,
    problemId,
    setProblemId,
    starting,
    stopping,
    error,
    dismissError: useCallback(() => setError(null), []),
    start,
    stop,
  };
}
