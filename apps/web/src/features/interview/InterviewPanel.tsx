import { useEffect, useId, useState } from 'react';
import type { RoomConnection } from '@tandem/client';
import type { InterviewCommand, InviteLinks as Links, ParticipantView } from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';
import { useProblems } from '../problems/useProblems';
import { InviteLinks } from './InviteLinks';
import { NotesEditor } from './NotesEditor';
import { ScorecardForm } from './ScorecardForm';
import type { InterviewView } from './useInterview';

const ROLE_LABELS = {
  host: 'Host',
  interviewer: 'Interviewer',
  observer: 'Observer',
  candidate: 'Candidate',
} as const;

/**
 * The interviewer panel: the lobby, the people, the problem and its hints,
 * the controls, notes and the scorecard. Rendered only for staff, from data
 * the server sends only to staff sockets.
 */
export function InterviewPanel({ conn, view }: { conn: RoomConnection; view: InterviewView }) {
  const id = useId();
  const problems = useProblems();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [links, setLinks] = useState<Links | null>(null);
  const { state, staff, role } = view;
  const steer = role === 'host' || role === 'interviewer';
  const ended = state?.endedAt != null;

  useEffect(() => {
    if (!steer) return;
    let current = true;
    api.interview(conn.room?.id ?? '').then(
      (d) => current && setLinks(d.links),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [conn, steer]);

  function send(label: string, command: InterviewCommand) {
    setBusy(label);
    setError(null);
    conn.control(command).then(
      (result) => {
        setBusy(null);
        if (result.links) setLinks(result.links);
      },
      (err: unknown) => {
        setBusy(null);
        setError(describeApiError(err));
      },
    );
  }

  if (!state || !staff) {
    return (
      <aside className="interview-panel" aria-label="Interviewer panel">
        <p className="loading">Loading the interview…</p>
      </aside>
    );
  }

  const waiting = staff.participants.filter((p) => p.status === 'waiting');
  const people = staff.participants.filter((p) => p.status === 'admitted');
  const nextHint = state.hints.length;
  const canRemove = (p: ParticipantView) =>
    p.role !== 'host' &&
    p.id !== view.participantId &&
    (role === 'host' || p.role !== 'interviewer');
  const own = staff.scorecards.find((s) => s.participantId === view.participantId) ?? null;

  return (
    <aside className="interview-panel" aria-label="Interviewer panel">
      {error && (
        <div className="alert alert-inline" role="alert">
          <p>{error}</p>
          <button type="button" className="button button-quiet" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}

      <section aria-labelledby={`${id}-lobby`}>
        <h2 id={`${id}-lobby`}>
          Lobby {waiting.length > 0 && <span className="badge">{waiting.length}</span>}
        </h2>
        {waiting.length === 0 ? (
          <p className="field-hint">
            Nobody is waiting. Candidates appear here when they open their link.
          </p>
        ) : (
          <ul className="lobby-requests" aria-live="polite">
            {waiting.map((p) => (
              <li key={p.id} className="lobby-request">
                <div>
                  <strong>{p.name}</strong>
                  {p.email && <span className="muted"> · {p.email}</span>}
                  <span className="muted"> wants to join</span>
                </div>
                {steer && (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button"
                      disabled={busy !== null || ended}
                      aria-label={`Admit ${p.name}`}
                      onClick={() => send('admit', { type: 'admit', participantId: p.id })}
                    >
                      Admit
                    </button>
                    <button
                      type="button"
                      className="button button-secondary"
                      disabled={busy !== null || ended}
                      aria-label={`Deny ${p.name}`}
                      onClick={() => send('deny', { type: 'deny', participantId: p.id })}
                    >
                      Deny
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby={`${id}-people`}>
        <h2 id={`${id}-people`}>People</h2>
        <ul className="participants">
          {people.map((p) => (
            <li key={p.id}>
              <span>
                {p.name}
                {p.id === view.participantId && <span className="muted"> (you)</span>}
              </span>
              <span className="tag">{ROLE_LABELS[p.role]}</span>
              {role === 'host' && (p.role === 'interviewer' || p.role === 'observer') && (
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={busy !== null || ended}
                  onClick={() =>
                    send('role', {
                      type: 'set-role',
                      participantId: p.id,
                      role: p.role === 'observer' ? 'interviewer' : 'observer',
                    })
                  }
                >
                  Make {p.role === 'observer' ? 'interviewer' : 'observer'}
                </button>
              )}
              {steer && canRemove(p) && (
                <button
                  type="button"
                  className="button button-quiet button-danger"
                  disabled={busy !== null || ended}
                  aria-label={`Remove ${p.name}`}
                  onClick={() => send('remove', { type: 'remove', participantId: p.id })}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby={`${id}-problem`}>
        <h2 id={`${id}-problem`}>Problem and hints</h2>
        <div className="field">
          <label htmlFor={`${id}-problem-select`}>Problem</label>
          <select
            id={`${id}-problem-select`}
            value={state.problemId ?? ''}
            disabled={!steer || ended || busy !== null}
            onChange={(e) =>
              send('problem', { type: 'set-problem', problemId: e.target.value || null })
            }
          >
            <option value="">No problem (free coding)</option>
            {problems.state === 'ready' &&
              problems.value.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title} ({p.difficulty})
                </option>
              ))}
          </select>
        </div>
        {staff.hintLadder.length > 0 && (
          <ol className="hint-ladder">
            {staff.hintLadder.map((text, i) => (
              <li key={i} data-revealed={i < nextHint || undefined}>
                <span className="muted">{i < nextHint ? 'Revealed' : 'Not revealed'}:</span> {text}
              </li>
            ))}
          </ol>
        )}
        {steer && (
          <button
            type="button"
            className="button button-secondary"
            disabled={busy !== null || ended || nextHint >= staff.hintLadder.length}
            onClick={() => send('hint', { type: 'reveal-hint' })}
          >
            {nextHint >= staff.hintLadder.length && staff.hintLadder.length > 0
              ? 'Every hint revealed'
              : `Reveal next hint (${Math.min(nextHint + 1, staff.hintLadder.length)} of ${staff.hintLadder.length})`}
          </button>
        )}
      </section>

      {steer && (
        <section aria-labelledby={`${id}-controls`}>
          <h2 id={`${id}-controls`}>Controls</h2>
          <div className="control-buttons">
            <button
              type="button"
              className="button button-secondary"
              aria-pressed={state.editorLocked}
              disabled={busy !== null || ended}
              onClick={() =>
                send('lock', { type: 'set-editor-locked', locked: !state.editorLocked })
              }
            >
              {state.editorLocked ? 'Unlock editor' : 'Lock editor'}
            </button>
            <button
              type="button"
              className="button button-secondary"
              aria-pressed={!state.runEnabled}
              disabled={busy !== null || ended}
              onClick={() => send('run', { type: 'set-run-enabled', enabled: !state.runEnabled })}
            >
              {state.runEnabled ? 'Disable Run' : 'Enable Run'}
            </button>
          </div>
          {role === 'host' &&
            !ended &&
            (confirmEnd ? (
              <div className="confirm" role="group" aria-label="Confirm ending the interview">
                <p>
                  End the interview for everyone? The room becomes read-only; this cannot be undone.
                </p>
                <div className="row-actions">
                  <button
                    type="button"
                    className="button button-danger-solid"
                    onClick={() => {
                      setConfirmEnd(false);
                      send('end', { type: 'end' });
                    }}
                  >
                    Yes, end the interview
                  </button>
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setConfirmEnd(false)}
                  >
                    Keep going
                  </button>
                </div>
              </div>
            ) : (
              <button
                type="button"
                className="button button-quiet button-danger"
                onClick={() => setConfirmEnd(true)}
              >
                End interview…
              </button>
            ))}
          {ended && <p className="field-hint">The interview has ended.</p>}
        </section>
      )}

      <section aria-labelledby={`${id}-notes`}>
        <h2 id={`${id}-notes`} className="visually-hidden">
          Notes
        </h2>
        <NotesEditor conn={conn} readOnly={!steer} />
      </section>

      {steer ? (
        <ScorecardForm conn={conn} own={own} />
      ) : (
        <section aria-labelledby={`${id}-cards`}>
          <h2 id={`${id}-cards`}>Scorecards</h2>
          {staff.scorecards.length === 0 ? (
            <p className="field-hint">No scorecard yet.</p>
          ) : (
            <ul>
              {staff.scorecards.map((s) => (
                <li key={s.participantId}>
                  {s.authorName}: {s.recommendation ?? 'no recommendation yet'}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {links && (
        <section aria-labelledby={`${id}-links`}>
          <h2 id={`${id}-links`}>Invite links</h2>
          <InviteLinks links={links} />
          {role === 'host' && (
            <button
              type="button"
              className="button button-quiet"
              disabled={busy !== null || ended}
              onClick={() => send('rotate', { type: 'rotate-link', link: 'candidate' })}
            >
              Replace the candidate link
            </button>
          )}
        </section>
      )}
    </aside>
  );
}
