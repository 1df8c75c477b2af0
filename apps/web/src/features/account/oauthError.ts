import { ERRORS, OAUTH_ERROR_PARAM, type ErrorCode } from '@tandem/protocol';

/**
 * The message for `?oauth_error=<CODE>`, which the server adds when a provider
 * sign-in failed; null without one. Only catalogue codes are shown, so a
 * crafted link cannot put its own words on the page.
 */
export function oauthErrorMessage(search = window.location.search): string | null {
  const code = new URLSearchParams(search).get(OAUTH_ERROR_PARAM);
  if (!code) return null;
  if (Object.hasOwn(ERRORS, code)) return ERRORS[code as ErrorCode].message;
  return 'Signing in with the provider did not work. Try again, or sign in with your email and password.';
}
