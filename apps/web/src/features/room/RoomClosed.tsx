import type { ErrorBody } from '@tandem/protocol';
import { Link } from '../../ui/Link';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { RoomNotFound } from './RoomNotFound';

/** The server refused the connection for good: say why and what to do. */
export function RoomClosed({ error }: { error: ErrorBody }) {
  if (error.code === 'ROOM_NOT_FOUND') return <RoomNotFound />;
  const reload = (
    <button type="button" className="button" onClick={() => window.location.reload()}>
      Reload the page
    </button>
  );
  if (error.code === 'PROTOCOL_MISMATCH') {
    return (
      <NotFoundPage title="Tandem has been updated" action={reload}>
        This page is older than the server. Reload it to get the new version: everything already
        saved in the room is kept.
      </NotFoundPage>
    );
  }
  if (error.code === 'SESSION_EXPIRED') {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    return (
      <NotFoundPage
        title="You signed out"
        action={
          <Link className="button" href={`/signin?next=${next}`}>
            Sign in again
          </Link>
        }
      >
        {error.message}
      </NotFoundPage>
    );
  }
  return (
    <NotFoundPage title="You have been disconnected" action={reload}>
      {error.message}
    </NotFoundPage>
  );
}
