/**
 * The signed-in account, outside React: the access token lives only in this
 * module's memory (never in storage a script could read later); the refresh
 * token is an HttpOnly cookie this code never sees. On load the session is
 * restored with one refresh; afterwards it refreshes a minute before the
 * access token ends. Refreshes are serialised across tabs (Web Locks) because
 * two tabs exchanging the same cookie at once would look like token theft and
 * end the session; sign-out is broadcast so every tab forgets the account.
 */
import { TandemApi, TandemApiError } from '@tandem/client';
import type { AccountView, AuthSession, SignInBody, SignUpBody } from '@tandem/protocol';

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; account: AccountView };

const REFRESH_LOCK = 'tandem-refresh';
const CHANNEL = 'tandem-session';
const REFRESH_EARLY_MS = 60_000;
const RETRY_MS = 15_000;

class SessionStore {
  #state: SessionState = { status: 'restoring' };
  #token: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #api = new TandemApi(window.location.origin);
  readonly #channel = 'BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null;

  constructor() {
    this.#channel?.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.data === 'signed-out') this.#signedOut();
      if (event.data === 'signed-in' && this.#state.status !== 'signed-in') void this.refresh();
    });
    void this.refresh();
  }

  /** The current access token, for API calls and socket handshakes; null when signed out. */
  accessToken = (): string | null => this.#token;

  getState = (): SessionState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  async signUp(body: SignUpBody): Promise<void> {
    this.#signedIn(await this.#api.signUp(body));
    this.#channel?.postMessage('signed-in');
  }

  async signIn(body: SignInBody): Promise<void> {
    this.#signedIn(await this.#api.signIn(body));
    this.#channel?.postMessage('signed-in');
  }

  /** Ends this device's session (or every device's). Forgets the account here even if the server is unreachable. */
  async signOut(options: { everywhere?: boolean } = {}): Promise<void> {
    try {
      await (options.everywhere ? this.#api.signOutAll() : this.#api.signOut());
    } finally {
      this.#signedOut();
      this.#channel?.postMessage('signed-out');
    }
  }

  /** Updates the account shown (after saving settings) without a new token. */
  updateAccount(account: AccountView): void {
    if (this.#state.status === 'signed-in') this.#set({ status: 'signed-in', account });
  }

  /** Exchanges the refresh cookie for a new access token; signed out when the server says the session ended. */
  async refresh(): Promise<void> {
    try {
      const session = await withLock(() => this.#api.refresh());
      this.#signedIn(session);
    } catch (error) {
      if (error instanceof TandemApiError && error.status < 500) {
        this.#signedOut();
      } else {
        // Server unreachable: keep what we have and try again soon.
        if (this.#state.status === 'restoring') this.#set({ status: 'signed-out' });
        this.#schedule(RETRY_MS);
      }
    }
  }

  #signedIn(session: AuthSession): void {
    this.#token = session.accessToken;
    this.#set({ status: 'signed-in', account: session.account });
    const due = Date.parse(session.accessTokenExpiresAt) - Date.now() - REFRESH_EARLY_MS;
    this.#schedule(Math.max(5_000, due));
  }

  #signedOut(): void {
    this.#token = null;
    clearTimeout(this.#timer);
    this.#set({ status: 'signed-out' });
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), ms);
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}

async function withLock<T>(run: () => Promise<T>): Promise<T> {
  // Web Locks exist in every browser we support over HTTPS and on localhost; elsewhere, no lock.
  if (typeof navigator !== 'undefined' && 'locks' in navigator) {
    return navigator.locks.request(REFRESH_LOCK, run);
  }
  return run();
}

export const session = new SessionStore();
