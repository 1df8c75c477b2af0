import { useState, type ReactNode } from 'react';
import type { RoomConnection } from '@tandem/client';
import { EDITOR_LANGUAGES, type ErrorBody, type LanguageId, type Room } from '@tandem/protocol';
import { roomLink } from '../../app/routes';
import type { Identity } from '../../connection/identity';
import { useConnectionState } from '../../connection/useConnectionState';
import { usePresence } from '../../connection/usePresence';
import { useRoomConnection } from '../../connection/useRoomConnection';
import { CodeEditor } from '../../editor/CodeEditor';
import { ShareLink } from '../../ui/ShareLink';
import { useProblem } from '../problems/useProblems';
import { RunPanel } from '../run/RunPanel';
import { StarterCode } from '../run/StarterCode';
import { useRunSession, type RunControl } from '../run/useRunSession';
import { RoomClosed } from './RoomClosed';
import { RoomHeader } from './RoomHeader';

interface RoomViewProps {
  initialRoom: Room;
  identity: Identity;
  justCreated: boolean;
}

/** Owns the connection for the time the user is in the room. */
export function RoomView({ initialRoom, identity, justCreated }: RoomViewProps) {
  const conn = useRoomConnection(initialRoom.id, identity);
  if (!conn) return null;
  return <RoomScreen conn={conn} initialRoom={initialRoom} justCreated={justCreated} />;
}

/** What an interview room adds to the shared screen; scratch rooms pass none of it. */
export interface InterviewExtras {
  /** Why this person may not type now; null when they may. */
  readOnlyReason: string | null;
  run: RunControl;
  /** Shown above the editor (locked, Run off, ended). */
  banner: ReactNode;
  /** The interviewer panel (staff only; never rendered, nor received, by candidates). */
  panel: ReactNode;
  /** Revealed hints, under the problem. */
  hints: ReactNode;
}

export function RoomScreen({
  conn,
  initialRoom,
  justCreated,
  interview = null,
}: Omit<RoomViewProps, 'identity'> & { conn: RoomConnection; interview?: InterviewExtras | null }) {
  const {
    status,
    room: liveRoom,
    pendingCount,
    savingDelayed,
    lastError,
    synced,
  } = useConnectionState(conn);
  // The server owns title and language; until its welcome, the REST lookup stands in.
  const room = liveRoom ?? initialRoom;
  const people = usePresence(conn.awareness);
  const runs = useRunSession(conn, room.language, status, interview?.run ?? null);
  const problem = useProblem(runs.problemId);
  const fn = problem?.state === 'ready' ? problem.value.function : null;
  // Keyed by language id, so the stub is there before the server has listed its toolchains.
  const functionStarter = fn?.starters[room.language];
  const languageName =
    runs.toolchain?.label ??
    EDITOR_LANGUAGES.find((l) => l.id === room.language)?.label ??
    room.language;
  const [requestedLanguage, setRequestedLanguage] = useState<LanguageId | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [shareOpen, setShareOpen] = useState(justCreated);
  const [dismissedError, setDismissedError] = useState<ErrorBody | null>(null);

  if (status === 'closed' && lastError) return <RoomClosed error={lastError} />;

  const link = roomLink(room.id);

  function changeLanguage(language: LanguageId) {
    setRequestedLanguage(language);
    setActionError(null);
    conn.setLanguage(language).then(
      () => setRequestedLanguage(null),
      (error: unknown) => {
        setRequestedLanguage(null);
        setActionError(
          `The language could not be changed: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }

  return (
    <div className="room">
      <RoomHeader
        title={room.title}
        language={requestedLanguage ?? room.language}
        onLanguageChange={changeLanguage}
        languageBusy={requestedLanguage !== null}
        runnable={
          runs.languages.state === 'ready' ? runs.languages.languages.map((l) => l.editor) : null
        }
        status={status}
        pendingCount={pendingCount}
        savingDelayed={savingDelayed}
        people={people}
        link={interview ? null : link}
        languageLocked={interview?.readOnlyReason != null}
      />
      {shareOpen && (
        <section className="banner" aria-label="Invite people">
          <p>Your room is ready. Anyone with this link can join and edit.</p>
          <ShareLink link={link} withCopyButton={false} />
          <button type="button" className="button button-quiet" onClick={() => setShareOpen(false)}>
            Dismiss
          </button>
        </section>
      )}
      {actionError && <Notice message={actionError} onDismiss={() => setActionError(null)} />}
      {lastError && lastError !== dismissedError && (
        <Notice message={lastError.message} onDismiss={() => setDismissedError(lastError)} />
      )}
      {interview?.banner}
      <div className="room-body">
        {interview?.panel}
        <main className="room-editor">
          <StarterCode
            text={conn.text}
            synced={synced}
            template={functionStarter ?? runs.toolchain?.template}
            what={
              functionStarter && fn
                ? `${fn.signature.name} stub in ${languageName}`
                : `${languageName} template`
            }
          />
          <CodeEditor
            text={conn.text}
            awareness={conn.awareness}
            language={room.language}
            onRun={runs.start}
            readOnly={interview?.readOnlyReason != null}
          />
        </main>
        <RunPanel
          session={runs}
          problemPicker={interview === null}
          afterProblem={interview?.hints}
        />
      </div>
    </div>
  );
}

function Notice({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div className="alert alert-inline" role="alert">
      <p>{message}</p>
      <button type="button" className="button button-quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
