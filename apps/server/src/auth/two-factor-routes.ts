import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  RecoveryCodesSchema,
  TwoFactorCodeBodySchema,
  TwoFactorEnrolmentSchema,
  TwoFactorStatusSchema,
} from '@tandem/protocol';
import { AppError } from '../errors.js';
import { ErrorSchema } from '../http/schemas.js';
import type { Store } from '../store/store.js';
import { requireAccount } from './authenticator.js';
import type { Authenticator } from './principal.js';
import type { TwoFactor } from './two-factor.js';

/** Two-factor enrolment, confirmation and removal for the signed-in account (bearer token). */
export const twoFactorRoutes: FastifyPluginAsyncZod<{
  auth: Authenticator;
  store: Store;
  twoFactor: TwoFactor;
}> = async (app, { auth, store, twoFactor }) => {
  const security = [{ bearer: [] }];

  app.get(
    '/api/me/2fa',
    {
      schema: {
        summary: 'Whether two-factor authentication is on, and recovery codes left',
        tags: ['auth'],
        security,
        response: { 200: TwoFactorStatusSchema, 401: ErrorSchema },
      },
    },
    async (request) => twoFactor.status((await requireAccount(auth, request)).id),
  );

  app.post(
    '/api/me/2fa/enrol',
    {
      schema: {
        summary: 'Start enrolment: a new secret, as otpauth URL and QR code',
        tags: ['auth'],
        security,
        response: { 200: TwoFactorEnrolmentSchema, 401: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) => {
      const account = await requireAccount(auth, request);
      const user = await store.accounts.getUser(account.id);
      if (user === null) throw new AppError('UNAUTHENTICATED');
      return twoFactor.enrol(user);
    },
  );

  app.post(
    '/api/me/2fa/confirm',
    {
      schema: {
        summary: 'Confirm enrolment with a code: 2FA is on; answers the recovery codes, once',
        tags: ['auth'],
        security,
        body: TwoFactorCodeBodySchema,
        response: {
          200: RecoveryCodesSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          409: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(auth, request);
      return { recoveryCodes: await twoFactor.confirm(account.id, request.body.code) };
    },
  );

  app.post(
    '/api/me/2fa/disable',
    {
      schema: {
        summary: 'Turn 2FA off (needs a current code or a recovery code)',
        tags: ['auth'],
        security,
        body: TwoFactorCodeBodySchema,
        response: {
          200: TwoFactorStatusSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request) => {
      const account = await requireAccount(auth, request);
      await twoFactor.disable(account.id, request.body.code);
      return twoFactor.status(account.id);
    },
  );
};
