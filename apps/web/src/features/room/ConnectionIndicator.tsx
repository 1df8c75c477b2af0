import type { ConnectionStatus } from '@tandem/client';
import { savingText } from './saving-text';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
};

/**
 * Connection and save state in one live region. Edits made while offline are
 * kept and sent on reconnect, so "Saving N changes…" stays true throughout.
 * While the server says its database is out of reach, it says that instead.
 */
export function ConnectionIndicator({
  status,
  pendingCount,
  savingDelayed = false,
}: {
  status: ConnectionStatus;
  pendingCount: number;
  /** The server said saving waits for its database (`saving:status`). */
  savingDelayed?: boolean;
}) {
  return (
    <p className="connection" role="status" data-status={status}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-status">{STATUS_TEXT[status]}</span>
      <span className="connection-sep" aria-hidden="true">
        ·
      </span>
      <span
        className="connection-saving"
        data-pending={pendingCount}
        data-delayed={savingDelayed && pendingCount > 0 ? 'true' : undefined}
      >
        {savingText(pendingCount, savingDelayed)}
      </span>
    </p>
  );
}
