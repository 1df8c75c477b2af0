import { TandemApi } from '@tandem/client';

/** The API is served on the same origin as the app (or proxied to it by Vite in development). */
export const api = new TandemApi(window.location.origin);
