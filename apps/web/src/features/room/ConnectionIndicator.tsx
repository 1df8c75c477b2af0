import type { ConnectionStatus } from '@tandem/client';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
};

export function savingText(pendingCount: number): string {
  if (pendingCount === 0) return 'All changes saved';
  return `Saving ${pendingCount} change${pendingCount === 1 ? '' : 's'}…`;
}

/**
 * Connection and save state in one live region. Edits made while offline are
 * kept and sent on reconnect, so "Saving N changes…" stays true throughout.
 */
export function ConnectionIndicator({
  status,
  pendingCount,
}: {
  status: ConnectionStatus;
  pendingCount: number;
}) {
  return (
    <p className="connection" role="status" data-status={status}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-status">{STATUS_TEXT[status]}</span>
      <span className="connection-sep" aria-hidden="true">
        ·
      </span>
      <span className="connection-saving" data-pending={pendingCount}>
        {savingText(pendingCount)}
      </span>
    </p>
  );
}
