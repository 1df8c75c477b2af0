import { useEffect, useId, useRef } from 'react';
import { RUN_KEYSHORTCUTS, RUN_SHORTCUT } from '../../ui/shortcut';
import { sandboxNote, toolchainName } from './toolchain';
import type { RunSession } from './useRunSession';

function runLabel(session: RunSession): string {
  const { latest, inFlight, starting, problemId } = session;
  if (inFlight && latest?.status === 'queued') {
    return latest.queuePosition ? `Queued — position ${latest.queuePosition}` : 'Queued';
  }
  if (inFlight) return 'Running…';
  if (starting) return 'Starting…';
  return problemId ? 'Run tests' : 'Run';
}

/**
 * Run (or Run tests), which turns into the run's progress while one is under
 * way, with Stop beside it. Unavailable states keep the button focusable
 * (aria-disabled) and say why next to it.
 */
export function RunButton({ session }: { session: RunSession }) {
  const id = useId();
  const { blockedReason, inFlight, starting, stopping, toolchain, error } = session;
  const unavailable = blockedReason !== null || inFlight || starting;
  const label = runLabel(session);
  const runRef = useRef<HTMLButtonElement>(null);
  const stopPressed = useRef(false);

  useEffect(() => {
    // Stop disappears with the run it stopped: focus goes back to Run, not to the page's start.
    if (inFlight || !stopPressed.current) return;
    stopPressed.current = false;
    if (document.activeElement === document.body) runRef.current?.focus();
  }, [inFlight]);

  return (
    <div className="run-controls">
      <div className="run-buttons">
        <button
          ref={runRef}
          type="button"
          className="button run-button"
          data-state={inFlight ? session.latest?.status : undefined}
          aria-disabled={unavailable}
          aria-keyshortcuts={RUN_KEYSHORTCUTS}
          aria-describedby={blockedReason ? `${id}-why` : undefined}
          title={`${label} (${RUN_SHORTCUT})`}
          onClick={() => {
            if (!unavailable) session.start();
          }}
        >
          {inFlight && <span className="spinner" aria-hidden="true" />}
          {label}
        </button>
        {inFlight && (
          <button
            type="button"
            className="button button-secondary"
            aria-disabled={stopping}
            onClick={() => {
              stopPressed.current = true;
              if (!stopping) session.stop();
            }}
          >
            Stop
          </button>
        )}
        {toolchain && (
          <span className="run-toolchain">
            {toolchainName(toolchain)} · {sandboxNote(toolchain.backend)}
          </span>
        )}
      </div>
      {blockedReason && (
        <p id={`${id}-why`} className="run-why">
          {blockedReason}
        </p>
      )}
      {error && (
        <div className="alert run-error" role="alert">
          <p>{error}</p>
          <button type="button" className="button button-quiet" onClick={session.dismissError}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
