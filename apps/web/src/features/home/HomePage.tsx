import { navigate } from '../../app/navigation';
import { roomPath } from '../../app/routes';
import { Brand } from '../../ui/Brand';
import { AccountBar } from '../account/AccountBar';
import { CreateRoomForm } from './CreateRoomForm';

export function HomePage() {
  return (
    <main className="page page-narrow home">
      <header className="hero">
        <div className="top-bar">
          <Brand />
          <AccountBar />
        </div>
        <h1>Live coding interviews, in the browser.</h1>
        <p className="lead">
          Create a room, share the link, and write code together in real time: every keystroke,
          cursor and selection, for everyone, at once.
        </p>
      </header>
      <CreateRoomForm onCreated={(room) => navigate(roomPath(room.id), { created: true })} />
    </main>
  );
}
