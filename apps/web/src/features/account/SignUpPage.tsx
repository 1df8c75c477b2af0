import { useId, useState, type FormEvent } from 'react';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tandem/protocol';
import { navigate } from '../../app/navigation';
import { session } from '../../app/session';
import { Brand } from '../../ui/Brand';
import { Link } from '../../ui/Link';
import { Field } from './Field';
import { ProviderButtons } from './ProviderButtons';
import { formErrors, type FormErrors } from './formErrors';
import { nextPath, withNext } from './nextPath';

type Fields = 'displayName' | 'email' | 'password';
const FIELDS: readonly Fields[] = ['displayName', 'email', 'password'];

function check(name: string, email: string, password: string): FormErrors<Fields> {
  const errors: FormErrors<Fields> = {};
  if (!name.trim()) errors.displayName = 'Enter your name, as others in a room will see it.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
    errors.email = 'Enter an email address like name@example.com.';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    errors.password = `Use at least ${PASSWORD_MIN_LENGTH} characters (a short sentence works well).`;
  else if (length > PASSWORD_MAX_LENGTH)
    errors.password = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return errors;
}

export function SignUpPage() {
  const id = useId();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors<Fields>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = check(displayName, email, password);
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await session.signUp({ displayName: displayName.trim(), email: email.trim(), password });
      navigate(nextPath());
    } catch (error) {
      const next = formErrors(error, FIELDS);
      setErrors(next);
      setBusy(false);
      const field = FIELDS.find((f) => next[f]);
      if (field) document.getElementById(`${id}-${field}`)?.focus();
    }
  }

  return (
    <main className="page page-narrow">
      <Brand />
      <form className="card form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`}>Create your account</h1>
        <Field
          id={`${id}-displayName`}
          label="Name"
          type="text"
          autoComplete="name"
          maxLength={60}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={errors.displayName}
        />
        <Field
          id={`${id}-email`}
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          id={`${id}-password`}
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. Any characters; common passwords are refused.`}
          error={errors.password}
        />
        {errors.form && (
          <p className="alert" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
        <ProviderButtons />
        <p className="form-footer">
          Already have an account? <Link href={withNext('/signin')}>Sign in</Link>
        </p>
      </form>
    </main>
  );
}
