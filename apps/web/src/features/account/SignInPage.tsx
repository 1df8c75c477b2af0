import { useEffect, useId, useState, type FormEvent } from 'react';
import { TandemApiError } from '@tandem/client';
import { navigate } from '../../app/navigation';
import { session } from '../../app/session';
import { Brand } from '../../ui/Brand';
import { Link } from '../../ui/Link';
import { Field } from './Field';
import { formErrors, type FormErrors } from './formErrors';
import { nextPath, withNext } from './nextPath';
import { oauthErrorMessage } from './oauthError';
import { ProviderButtons } from './ProviderButtons';

type Fields = 'email' | 'password' | 'code';
const FIELDS: readonly Fields[] = ['email', 'password', 'code'];

/** Email and password; when the account has two-factor authentication, a second step asks for a code. */
export function SignInPage() {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [errors, setErrors] = useState<FormErrors<Fields>>({});
  const [busy, setBusy] = useState(false);
  const [oauthError] = useState(() => oauthErrorMessage());

  // The code step replaces the password step: move focus to its field.
  useEffect(() => {
    if (needsCode) document.getElementById(`${id}-code`)?.focus();
  }, [needsCode, id]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: FormErrors<Fields> = {};
    if (!email.trim()) found.email = 'Enter the email address of your account.';
    if (!password) found.password = 'Enter your password.';
    if (needsCode && !code.trim())
      found.code = 'Enter the 6-digit code from your authenticator app.';
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await session.signIn({
        email: email.trim(),
        password,
        ...(needsCode && { code: code.trim() }),
      });
      navigate(nextPath());
    } catch (error) {
      setBusy(false);
      if (error instanceof TandemApiError && error.code === 'TOTP_REQUIRED') {
        setNeedsCode(true);
        setErrors({});
        return;
      }
      if (error instanceof TandemApiError && error.code === 'INVALID_TOTP') {
        setErrors({ code: error.message });
        document.getElementById(`${id}-code`)?.focus();
        return;
      }
      setErrors(formErrors(error, FIELDS));
    }
  }

  return (
    <main className="page page-narrow">
      <Brand />
      <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`}>{needsCode ? 'Two-factor authentication' : 'Sign in'}</h1>
        {oauthError && !needsCode && (
          <p className="alert" role="alert">
            {oauthError}
          </p>
        )}
        <div hidden={needsCode} className="form">
          <Field
            id={`${id}-email`}
            label="Email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
          />
          <Field
            id={`${id}-password`}
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
        </div>
        {needsCode && (
          <Field
            id={`${id}-code`}
            label="Authentication code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            hint="The 6-digit code your authenticator app shows for Tandem, or one of your recovery codes."
            error={errors.code}
          />
        )}
        {errors.form && (
          <p className="alert" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : needsCode ? 'Verify and sign in' : 'Sign in'}
        </button>
        {!needsCode && <ProviderButtons />}
        <p className="form-footer">
          New to Tandem? <Link href={withNext('/signup')}>Create an account</Link>
        </p>
      </form>
    </main>
  );
}
