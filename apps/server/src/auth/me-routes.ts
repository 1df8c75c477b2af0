import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DEFAULT_EDITOR_SETTINGS, MeSchema, SettingsSchema, type Me } from '@tandem/protocol';
import { AppError } from '../errors.js';
import { ErrorSchema } from '../http/schemas.js';
import type { StoredSettings, StoredUser, Store } from '../store/store.js';
import { requireAccount } from './authenticator.js';
import type { Authenticator } from './principal.js';
import { toAccountView } from './sessions.js';

function toMe(user: StoredUser, settings: StoredSettings): Me {
  return {
    account: toAccountView(user),
    settings: {
      displayName: user.displayName,
      preferredLanguage: settings.preferredLanguage,
      editor: settings.editor ?? DEFAULT_EDITOR_SETTINGS,
    },
  };
}

/** The signed-in account and its settings (bearer token; not CSRF-able). */
export const meRoutes: FastifyPluginAsyncZod<{ auth: Authenticator; store: Store }> = async (
  app,
  { auth, store },
) => {
  app.get(
    '/api/me',
    {
      schema: {
        summary: 'The signed-in account and its settings',
        tags: ['auth'],
        security: [{ bearer: [] }],
        response: { 200: MeSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      const account = await requireAccount(auth, request);
      const user = await store.accounts.getUser(account.id);
      if (user === null) throw new AppError('UNAUTHENTICATED');
      return toMe(user, await store.accounts.getSettings(user.id));
    },
  );

  app.put(
    '/api/me/settings',
    {
      schema: {
        summary: 'Save display name, preferred language and editor settings at once',
        tags: ['auth'],
        security: [{ bearer: [] }],
        body: SettingsSchema,
        response: { 200: MeSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (request) => {
      const account = await requireAccount(auth, request);
      const saved = await store.accounts.saveSettings(account.id, request.body);
      if (saved === null) throw new AppError('UNAUTHENTICATED');
      return toMe(saved.user, saved.settings);
    },
  );
};
