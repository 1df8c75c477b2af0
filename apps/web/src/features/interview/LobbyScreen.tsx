import type { LobbyStatus } from '@tandem/protocol';
import { Brand } from '../../ui/Brand';

/** What a candidate sees while waiting: what happens now, that the interviewers know, which signals are collected. */
export function LobbyScreen({ title, lobby }: { title: string; lobby: LobbyStatus }) {
  return (
    <main className="page page-narrow lobby" aria-labelledby="lobby-heading">
      <Brand />
      <section className="card lobby-card">
        <div className="lobby-pulse" aria-hidden="true" />
        <h1 id="lobby-heading">You’re in the lobby, {lobby.name}</h1>
        <p className="lead" role="status">
          The interviewers of “{title}” have been told you are here. This page opens the interview
          by itself as soon as one of them lets you in; you can leave it open.
        </p>
        <ul className="lobby-facts">
          <li>Reloading is fine: you keep your place.</li>
          <li>
            {lobby.signals.length === 0
              ? 'Integrity signals collected in this interview: none yet. Interviewers see only what you type and run.'
              : `Integrity signals collected in this interview: ${lobby.signals.join(', ')}.`}
          </li>
          <li>
            Once inside, the interviewers can lock the editor, turn off Run and end the interview.
          </li>
        </ul>
      </section>
    </main>
  );
}
