import { TandemApiError } from '@tandem/client';
import { describeApiError } from '../../ui/errors';

/** Field-level messages for the fields a form has, the rest as one message for the whole form. */
export type FormErrors<F extends string> = Partial<Record<F | 'form', string>>;

export function formErrors<F extends string>(error: unknown, fields: readonly F[]): FormErrors<F> {
  if (error instanceof TandemApiError && error.field !== undefined) {
    const field = fields.find((f) => error.field === f || error.field?.startsWith(`${f}.`));
    if (field !== undefined) return { [field]: fieldMessage(error.message) } as FormErrors<F>;
  }
  return { form: describeApiError(error) } as FormErrors<F>;
}

/** "password: the password must be…" → "The password must be…" */
function fieldMessage(message: string): string {
  const text = message.replace(/^[\w.]+: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
