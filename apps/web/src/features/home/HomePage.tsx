import { navigate } from '../../app/navigation';
import { roomPath } from '../../app/routes';
import { useSession } from '../../app/useSession';
import { Brand } from '../../ui/Brand';
import { Link } from '../../ui/Link';
import { AccountBar } from '../account/AccountBar';
import { CreateInterviewForm } from '../interview/CreateInterviewForm';
import { CreateRoomForm } from './CreateRoomForm';

export function HomePage() {
  const session = useSession();
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
      {session.status === 'signed-in' ? (
        <CreateInterviewForm />
      ) : (
        session.status === 'signed-out' && (
          <section className="card notice" aria-label="Interviews">
            <h2>Run an interview</h2>
            <p>
              <Link href="/signin">Sign in</Link> or <Link href="/signup">create an account</Link>{' '}
              to host interviews: a lobby for the candidate, problems and hints you reveal, private
              notes and a scorecard.
            </p>
          </section>
        )
      )}
      <CreateRoomForm onCreated={(room) => navigate(roomPath(room.id), { created: true })} />
    </main>
  );
}
