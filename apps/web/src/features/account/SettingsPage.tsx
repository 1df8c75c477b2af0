import { useEffect, useState } from 'react';
import { navigate } from '../../app/navigation';
import { session } from '../../app/session';
import { useSession } from '../../app/useSession';
import { Brand } from '../../ui/Brand';
import { describeApiError } from '../../ui/errors';
import { AccountBar } from './AccountBar';
import { ProfileForm } from './ProfileForm';
import { TwoFactorPanel } from './TwoFactorPanel';
import { UploadsPanel } from './UploadsPanel';
import './account.css';

/** Profile, editor settings, avatar and resume, and security (two-factor, sign out everywhere) of the signed-in account. */
export function SettingsPage() {
  const state = useSession();

  useEffect(() => {
    if (state.status === 'signed-out') navigate(`/signin?next=${encodeURIComponent('/settings')}`);
  }, [state.status]);

  return (
    <main className="page page-narrow">
      <div className="top-bar">
        <Brand />
        <AccountBar />
      </div>
      <h1>Your account</h1>
      {state.status === 'signed-in' ? (
        <>
          <ProfileForm />
          <UploadsPanel />
          <TwoFactorPanel />
          <SignOutEverywhere />
        </>
      ) : (
        <p className="loading" role="status">
          Checking sign-in…
        </p>
      )}
    </main>
  );
}

function SignOutEverywhere() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await session.signOut({ everywhere: true });
      navigate('/signin');
    } catch (e) {
      setError(describeApiError(e));
      setBusy(false);
    }
  }
  return (
    <section className="card form" aria-labelledby="everywhere-heading">
      <h2 id="everywhere-heading">Devices</h2>
      <p className="field-hint">
        Signs you out on every browser and device where you are signed in, this one included.
      </p>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="button button-secondary" onClick={run} disabled={busy}>
        {busy ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
    </section>
  );
}
