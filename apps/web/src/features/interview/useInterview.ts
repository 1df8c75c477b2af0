import { useEffect, useState } from 'react';
import type { RoomConnection } from '@tandem/client';
import type { InterviewState, LobbyStatus, SessionRole, StaffView } from '@tandem/protocol';

export interface InterviewView {
  role: SessionRole | null;
  participantId: string | null;
  state: InterviewState | null;
  /** Staff only: candidates never receive it. */
  staff: StaffView | null;
  lobby: LobbyStatus | null;
}

function read(conn: RoomConnection): InterviewView {
  return {
    role: conn.role,
    participantId: conn.self?.participantId ?? null,
    state: conn.interview,
    staff: conn.staff,
    lobby: conn.lobby,
  };
}

/** The interview side of a room connection, re-rendering when the server pushes a change. */
export function useInterview(conn: RoomConnection): InterviewView {
  const [view, setView] = useState(() => read(conn));
  useEffect(() => {
    const update = () => setView(read(conn));
    update();
    const offs = [
      conn.on('interview', update),
      conn.on('staff', update),
      conn.on('lobby', update),
      conn.on('room', update),
      conn.on('status', update),
    ];
    return () => offs.forEach((off) => off());
  }, [conn]);
  return view;
}

/** Why the editor is read-only for this person right now, or null when they may type. */
export function editorLockReason(view: InterviewView): string | null {
  if (view.state?.endedAt) return 'The interview has ended. The code is read-only now.';
  if (view.role === 'observer') return 'You are observing: the code is read-only for you.';
  if (view.role === 'candidate' && view.state?.editorLocked) {
    return 'Editor locked by the interviewer. You can read the code; typing is paused.';
  }
  return null;
}

/** Why Run is off for this person right now, or null. */
export function runLockReason(view: InterviewView): string | null {
  if (view.state?.endedAt) return 'The interview has ended: code no longer runs.';
  if (view.role === 'observer') return 'Observers cannot run code.';
  if (view.role === 'candidate' && view.state && !view.state.runEnabled) {
    return 'Run disabled by the interviewer.';
  }
  return null;
}
