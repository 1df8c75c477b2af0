import type { Store } from '../store/store.js';
import type { Standing } from './broadcasts.js';

/**
 * Decides whether a socket back from a short drop may be sent the packets it
 * missed. Socket.IO replays them before any handshake middleware runs, for
 * every channel the socket was in, so the replay is allowed only when the
 * socket would join exactly those channels now: the sign-in it came with is
 * still active, and in interview rooms its participant still exists with the
 * same role and lobby status (not removed, demoted, admitted or denied
 * meanwhile). Anything else is a fresh connection, decided by the handshake.
 */
export class RecoveryGate {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async stillStands(was: Standing): Promise<boolean> {
    if (was.signIn !== null) {
      const active = await this.store.accounts.activeSession(was.signIn, this.now());
      if (active === null || active.user.id !== was.accountId) return false;
    }
    if (was.role === 'scratch') {
      const [room, interview] = await Promise.all([
        this.store.getRoom(was.roomId),
        this.store.interviews.get(was.roomId),
      ]);
      return room !== null && interview === null;
    }
    if (was.participantId === null) return false;
    const now = await this.store.interviews.participant(was.roomId, was.participantId);
    return (
      now !== null &&
      now.role === was.role &&
      now.status === (was.lobby ? 'waiting' : 'admitted') &&
      now.accountId === was.accountId
    );
  }
}
