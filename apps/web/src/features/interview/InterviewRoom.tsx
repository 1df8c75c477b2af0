import type { Room } from '@tandem/protocol';
import { useSession } from '../../app/useSession';
import { guestToken } from '../../connection/guest';
import { useIdentity } from '../../connection/identity';
import { useRoomConnection } from '../../connection/useRoomConnection';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { randomUserColor } from '../../ui/palette';
import { RoomClosed } from '../room/RoomClosed';
import { RoomScreen } from '../room/RoomView';
import { ControlBanner } from './ControlBanner';
import { Hints } from './Hints';
import { InterviewPanel } from './InterviewPanel';
import { LobbyScreen } from './LobbyScreen';
import { editorLockReason, runLockReason, useInterview } from './useInterview';
import type { RoomConnection } from '@tandem/client';
import { useState } from 'react';
import './interview.css';

/**
 * An interview room: the connection carries the account's token or the
 * candidate's guest pass; the server's stored role decides everything else.
 */
export function InterviewRoom({ room }: { room: Room }) {
  const session = useSession();
  const stored = useIdentity();
  const [guest] = useState(() => guestToken(room.id));
  const [color] = useState(() => stored?.color ?? randomUserColor());
  const name =
    session.status === 'signed-in' ? session.account.displayName : (stored?.name ?? 'Candidate');
  const ready =
    session.status !== 'restoring' && (session.status === 'signed-in' || guest !== null);
  if (session.status === 'restoring') {
    return (
      <main className="page page-narrow" aria-busy="true">
        <p className="loading">Opening the interview…</p>
      </main>
    );
  }
  if (!ready) {
    return (
      <NotFoundPage title="This is an interview room">
        Open the invite link you were given (candidates), or sign in (interviewers).
      </NotFoundPage>
    );
  }
  return <Connected room={room} name={name} color={color} guest={guest} />;
}

function Connected({
  room,
  name,
  color,
  guest,
}: {
  room: Room;
  name: string;
  color: string;
  guest: string | null;
}) {
  const conn = useRoomConnection(room.id, { name, color }, guest);
  if (!conn) return null;
  return <InterviewScreen conn={conn} room={room} />;
}

function InterviewScreen({ conn, room }: { conn: RoomConnection; room: Room }) {
  const view = useInterview(conn);
  if (conn.status === 'closed' && conn.lastError) {
    if (conn.lastError.code === 'LOBBY_DENIED') {
      return (
        <NotFoundPage title="You were not let in">
          The interviewer did not admit you to “{room.title}”. If you think this is a mistake,
          contact the person who invited you.
        </NotFoundPage>
      );
    }
    if (conn.lastError.code === 'REMOVED') {
      return (
        <NotFoundPage title="You left the interview">
          An interviewer removed you from “{room.title}”. Your access has ended.
        </NotFoundPage>
      );
    }
    return <RoomClosed error={conn.lastError} />;
  }
  if (view.lobby && view.lobby.status === 'waiting') {
    return <LobbyScreen title={room.title} lobby={view.lobby} />;
  }
  if (view.role === null || view.state === null) {
    return (
      <main className="page page-narrow" aria-busy="true">
        <p className="loading">
          {view.lobby?.status === 'admitted' ? 'You’re in! Opening the interview…' : 'Connecting…'}
        </p>
      </main>
    );
  }
  const staff = view.role === 'host' || view.role === 'interviewer' || view.role === 'observer';
  return (
    <RoomScreen
      conn={conn}
      initialRoom={room}
      justCreated={false}
      interview={{
        readOnlyReason: editorLockReason(view),
        run: { problemId: view.state.problemId, blockedReason: runLockReason(view) },
        banner: <ControlBanner view={view} />,
        panel: staff ? <InterviewPanel conn={conn} view={view} /> : null,
        hints: <Hints state={view.state} />,
      }}
    />
  );
}
