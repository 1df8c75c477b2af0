/**
 * REST for provider sign-in. `GET /api/auth/providers` says which buttons to
 * show. `GET .../start` (sign-in) and `POST .../link` (a signed-in account,
 * bearer token) set the flow cookie and send the browser to the provider;
 * `GET .../callback` checks what comes back, signs in with the same session
 * as a password sign-in, and redirects into the web app — on failure to the
 * sign-in page (or settings, when linking) with `?oauth_error=CODE`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OAUTH_ERROR_PARAM, OAuthProvidersSchema } from '@tandem/protocol';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { requestCookie } from '../../http/cookies.js';
import { ErrorSchema } from '../../http/schemas.js';
import { requireAccount } from '../authenticator.js';
import { isSecureContext, requestOrigin } from '../origin.js';
import type { Authenticator } from '../principal.js';
import type { Sessions } from '../sessions.js';
import { FLOW_COOKIE, FLOW_COOKIE_PATH, FLOW_TTL_MS } from './flow-cookie.js';
import type { OAuthService } from './oauth-service.js';
import type { ProviderAccounts } from './provider-accounts.js';

export interface OAuthRoutesDeps {
  config: Config;
  oauth: OAuthService;
  accounts: ProviderAccounts;
  sessions: Sessions;
  auth: Authenticator;
}

const ProviderParams = z.object({ provider: z.string().max(32) });
const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

export const oauthRoutes: FastifyPluginAsyncZod<OAuthRoutesDeps> = async (
  app,
  { config, oauth, accounts, sessions, auth },
) => {
  const base = (request: FastifyRequest) => config.publicUrl ?? requestOrigin(request);
  const callbackUrl = (request: FastifyRequest, provider: string) =>
    `${base(request).replace(/\/+$/, '')}/api/auth/oauth/${provider}/callback`;
  const setFlowCookie = (request: FastifyRequest, reply: FastifyReply, value: string) =>
    reply.setCookie(FLOW_COOKIE, value, {
      path: FLOW_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecureContext(config, request),
      maxAge: FLOW_TTL_MS / 1000,
    });
  const rateLimit = {
    max: 30,
    timeWindow: 60_000,
  };

  app.get(
    '/api/auth/providers',
    {
      schema: {
        summary: 'Sign-in providers this server offers (none: no buttons)',
        tags: ['auth'],
        response: { 200: OAuthProvidersSchema },
      },
    },
    async () => ({ providers: oauth.list() }),
  );

  app.get(
    '/api/auth/oauth/:provider/start',
    {
      config: { rateLimit },
      schema: {
        summary: 'Start signing in with a provider (redirects to it)',
        tags: ['auth'],
        params: ProviderParams,
        response: { 404: ErrorSchema, 502: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const { url, cookie } = await oauth.start(provider, callbackUrl(request, provider), null);
      setFlowCookie(request, reply, cookie);
      return reply.redirect(url.toString(), 302);
    },
  );

  app.post(
    '/api/auth/oauth/:provider/link',
    {
      config: { rateLimit },
      schema: {
        summary: 'Start linking a provider to the signed-in account; answers the URL to open',
        tags: ['auth'],
        security: [{ bearer: [] }],
        params: ProviderParams,
        response: {
          200: z.object({ url: z.string() }),
          401: ErrorSchema,
          404: ErrorSchema,
          502: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const account = await requireAccount(auth, request);
      const { provider } = request.params;
      const { url, cookie } = await oauth.start(
        provider,
        callbackUrl(request, provider),
        account.id,
      );
      setFlowCookie(request, reply, cookie);
      return { url: url.toString() };
    },
  );

  app.get(
    '/api/auth/oauth/:provider/callback',
    {
      config: { rateLimit },
      schema: {
        summary: 'Where the provider sends the browser back; redirects into the web app',
        tags: ['auth'],
        params: ProviderParams,
        querystring: CallbackQuery,
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const cookie = requestCookie(request, FLOW_COOKIE);
      reply.clearCookie(FLOW_COOKIE, { path: FLOW_COOKIE_PATH });
      let linking = false;
      try {
        const { identity, linkTo } = await oauth.finish(
          provider,
          callbackUrl(request, provider),
          request.query,
          cookie,
        );
        linking = linkTo !== null;
        const user = await accounts.resolve(identity, linkTo);
        if (!linking) await sessions.issue(request, reply, user);
        return reply.redirect(linking ? '/settings?linked=' + identity.provider : '/', 302);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        request.log.info({ code: err.code, provider }, err.message);
        const page = linking ? '/settings' : '/signin';
        return reply.redirect(`${page}?${OAUTH_ERROR_PARAM}=${err.code}`, 302);
      }
    },
  );
};
