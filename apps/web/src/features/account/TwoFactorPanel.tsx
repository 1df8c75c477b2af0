import { useEffect, useId, useState, type FormEvent } from 'react';
import type { TwoFactorEnrolment, TwoFactorStatus } from '@tandem/protocol';
import { api } from '../../app/api';
import { describeApiError } from '../../ui/errors';
import { Field } from './Field';

type Step =
  | { name: 'loading' }
  | { name: 'status'; status: TwoFactorStatus }
  | { name: 'enrolling'; enrolment: TwoFactorEnrolment }
  | { name: 'codes'; codes: string[] };

/** Two-factor authentication: enrol (QR code, confirm with a code), recovery codes once, turn off. */
export function TwoFactorPanel() {
  const id = useId();
  const [step, setStep] = useState<Step>({ name: 'loading' });
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.twoFactorStatus().then(
      (status) => setStep({ name: 'status', status }),
      (e: unknown) => setError(describeApiError(e)),
    );
  }, []);

  async function act(run: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await run();
      setCode('');
    } catch (e) {
      setError(describeApiError(e));
      document.getElementById(`${id}-code`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const start = () =>
    act(async () => setStep({ name: 'enrolling', enrolment: await api.enrolTwoFactor() }));
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return setError('Enter the 6-digit code your app shows.');
    return act(async () => {
      const { recoveryCodes } = await api.confirmTwoFactor(code.trim());
      setStep({ name: 'codes', codes: recoveryCodes });
    });
  };
  const disable = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return setError('Enter a current code (or a recovery code) to turn it off.');
    return act(async () =>
      setStep({ name: 'status', status: await api.disableTwoFactor(code.trim()) }),
    );
  };
  const done = () =>
    act(async () => setStep({ name: 'status', status: await api.twoFactorStatus() }));

  const alert = error && (
    <p className="alert" role="alert">
      {error}
    </p>
  );

  return (
    <section className="card form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Two-factor authentication</h2>
      {step.name === 'loading' &&
        (alert || (
          <p className="loading" role="status">
            Loading…
          </p>
        ))}

      {step.name === 'status' && !step.status.enabled && (
        <>
          <p>
            Off. Turn it on to ask for a code from an authenticator app (such as Aegis, Google
            Authenticator or 1Password) each time you sign in.
          </p>
          {alert}
          <button type="button" className="button" onClick={start} disabled={busy}>
            {busy ? 'Preparing…' : 'Turn on two-factor authentication'}
          </button>
        </>
      )}

      {step.name === 'enrolling' && (
        <form className="form" onSubmit={confirm} noValidate>
          <p>1. Scan this QR code with your authenticator app.</p>
          <img
            className="qr-code"
            src={step.enrolment.qrCode}
            alt="QR code to add Tandem to your authenticator app"
            width={200}
            height={200}
          />
          <p className="field-hint">
            Cannot scan? Enter this key in the app:{' '}
            <code data-testid="totp-secret">{step.enrolment.secret}</code>
          </p>
          <p>2. Enter the 6-digit code the app now shows for Tandem.</p>
          <Field
            id={`${id}-code`}
            label="Code from the app"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          {alert}
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Checking…' : 'Confirm and turn on'}
          </button>
        </form>
      )}

      {step.name === 'codes' && (
        <>
          <p role="status">
            <strong>Two-factor authentication is on.</strong> Save these recovery codes somewhere
            safe: each signs you in once if you lose your phone. They are shown only now.
          </p>
          <ol className="recovery-codes" aria-label="Recovery codes">
            {step.codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          {alert}
          <button type="button" className="button" onClick={done} disabled={busy}>
            I have saved my recovery codes
          </button>
        </>
      )}

      {step.name === 'status' && step.status.enabled && (
        <form className="form" onSubmit={disable} noValidate>
          <p>On. {step.status.recoveryCodesLeft} of 10 recovery codes left.</p>
          <Field
            id={`${id}-code`}
            label="Current code (to turn it off)"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          {alert}
          <button type="submit" className="button button-secondary" disabled={busy}>
            {busy ? 'Turning off…' : 'Turn off two-factor authentication'}
          </button>
        </form>
      )}
    </section>
  );
}
