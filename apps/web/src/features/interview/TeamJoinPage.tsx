import { useEffect, useState } from 'react';
import { api } from '../../app/api';
import { navigate } from '../../app/navigation';
import { roomPath } from '../../app/routes';
import { useSession } from '../../app/useSession';
import { Brand } from '../../ui/Brand';
import { Link } from '../../ui/Link';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { describeApiError } from '../../ui/errors';

/** `/team/:roomId#key`: a signed-in co-interviewer joins, then enters the room. */
export function TeamJoinPage({ roomId }: { roomId: string }) {
  const session = useSession();
  const [key] = useState(() => window.location.hash.slice(1));
  const [error, setError] = useState<string | null>(null);
  const here = `${window.location.pathname}${window.location.hash}`;

  useEffect(() => {
    if (session.status !== 'signed-in' || !key) return;
    let current = true;
    api.joinAsInterviewer(roomId, key).then(
      () => current && navigate(roomPath(roomId)),
      (err: unknown) => current && setError(describeApiError(err)),
    );
    return () => {
      current = false;
    };
  }, [session.status, roomId, key]);

  if (!key) {
    return (
      <NotFoundPage title="This interviewer link is incomplete">
        The part after “#” is missing. Copy the whole link from the host again.
      </NotFoundPage>
    );
  }
  if (error) {
    return <NotFoundPage title="You could not join this interview">{error}</NotFoundPage>;
  }
  if (session.status === 'signed-out') {
    const next = encodeURIComponent(here);
    return (
      <main className="page page-narrow">
        <Brand />
        <section className="card" aria-labelledby="team-join">
          <h1 id="team-join">Join as an interviewer</h1>
          <p>
            Interviewers sign in, so the candidate never gets interviewer powers from a forwarded
            link. <Link href={`/signin?next=${next}`}>Sign in</Link> or{' '}
            <Link href={`/signup?next=${next}`}>create an account</Link>; you come back here after.
          </p>
        </section>
      </main>
    );
  }
  return (
    <main className="page page-narrow" aria-busy="true">
      <p className="loading">Joining the interview…</p>
    </main>
  );
}
