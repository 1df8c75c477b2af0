import './account.css';
import { useState } from 'react';
import { navigate } from '../../app/navigation';
import { session } from '../../app/session';
import { useSession } from '../../app/useSession';
import { Link } from '../../ui/Link';

/** Who is signed in, with Sign out; or the links to sign in and up. */
export function AccountBar() {
  const state = useSession();
  const [busy, setBusy] = useState(false);

  if (state.status === 'restoring') {
    return (
      <div className="account-bar" aria-live="polite">
        <span className="loading">Checking sign-in…</span>
      </div>
    );
  }
  if (state.status === 'signed-out') {
    return (
      <nav className="account-bar" aria-label="Account">
        <Link href="/signin">Sign in</Link>
        <Link href="/signup" className="button button-secondary">
          Sign up
        </Link>
      </nav>
    );
  }
  async function signOut() {
    setBusy(true);
    try {
      await session.signOut();
    } catch {
      // Signed out locally whatever the server said; nothing else to do.
    } finally {
      setBusy(false);
      navigate('/');
    }
  }
  return (
    <nav className="account-bar" aria-label="Account">
      <span>
        Signed in as{' '}
        <Link href="/settings" className="account-name">
          {state.account.displayName}
        </Link>
      </span>
      <button type="button" className="button button-secondary" onClick={signOut} disabled={busy}>
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </nav>
  );
}
