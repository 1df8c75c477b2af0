import { TandemApi } from '@tandem/client';
import { session } from './session';

/**
 * The API is served on the same origin as the app (or proxied to it by Vite in
 * development); calls carry the signed-in account's access token.
 */
export const api = new TandemApi(window.location.origin, undefined, {
  accessToken: session.accessToken,
});
