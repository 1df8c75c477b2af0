import { lazy, Suspense, useEffect, useState } from 'react';
import { currentNavigationState } from '../../app/navigation';
import { useIdentity } from '../../connection/identity';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { JoinForm } from '../join/JoinForm';
import { RoomNotFound } from './RoomNotFound';
import { useRoomLookup } from './useRoomLookup';

// The editor and the sync client are most of the app's weight: the home page doesn't load them.
const RoomView = lazy(() => import('./RoomView').then((m) => ({ default: m.RoomView })));
const InterviewRoom = lazy(() =>
  import('../interview/InterviewRoom').then((m) => ({ default: m.InterviewRoom })),
);

function Loading({ text }: { text: string }) {
  return (
    <main className="page page-narrow" aria-busy="true">
      <p className="loading">{text}</p>
    </main>
  );
}

/** `/r/:roomId`: check the room exists, ask for a name if none is stored, then enter. */
export function RoomPage({ roomId }: { roomId: string }) {
  const { lookup, retry } = useRoomLookup(roomId);
  const identity = useIdentity();
  const [justCreated] = useState(() => currentNavigationState().created === true);
  useEffect(() => {
    // Offer the link once: a reload or a later visit shouldn't greet the creator again.
    if (justCreated) window.history.replaceState({}, '');
  }, [justCreated]);

  switch (lookup.state) {
    case 'loading':
      return <Loading text="Opening the room…" />;
    case 'missing':
      return <RoomNotFound />;
    case 'failed':
      return (
        <NotFoundPage
          title="The room could not be opened"
          action={
            <button type="button" className="button" onClick={retry}>
              Try again
            </button>
          }
        >
          {lookup.message}
        </NotFoundPage>
      );
    case 'found':
      if (lookup.room.kind === 'interview') {
        return (
          <Suspense fallback={<Loading text="Opening the interview…" />}>
            <InterviewRoom room={lookup.room} />
          </Suspense>
        );
      }
      return identity ? (
        <Suspense fallback={<Loading text="Opening the room…" />}>
          <RoomView initialRoom={lookup.room} identity={identity} justCreated={justCreated} />
        </Suspense>
      ) : (
        <JoinForm room={lookup.room} justCreated={justCreated} />
      );
  }
}
