import { NotFoundPage } from '../../ui/NotFoundPage';

export function RoomNotFound() {
  return (
    <NotFoundPage title="This room does not exist">
      Check the link you were given: it may be incomplete. Rooms are only reachable through their
      exact link.
    </NotFoundPage>
  );
}
