import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EmailTakenError } from './account-types.js';
import { T0, type ContractContext } from './store.contract-fixtures.js';

const later = (ms: number) => new Date(T0.getTime() + ms);
const DAY = 86_400_000;

/** Accounts: users, credentials, session families, settings, TOTP and recovery codes. */
export function accountsContract(ctx: ContractContext): void {
  async function newUser(email = `${randomUUID()}@Example.com`) {
    return ctx.store().accounts.createUser({
      id: `user-${randomUUID()}`,
      email,
      displayName: 'Ada',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    });
  }

  async function newSession(
    userId: string,
    token = `t-${randomUUID()}`,
    expiresAt = later(30 * DAY),
  ) {
    const session = await ctx
      .store()
      .accounts.createSession({ id: `s-${randomUUID()}`, userId, createdAt: T0, expiresAt }, token);
    return { session, token };
  }

  describe('accounts', () => {
    it('creates a user and finds it by email in any case, with its password hash', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      expect(user).toMatchObject({ displayName: 'Ada', twoFactorEnabled: false });
      expect(await accounts.getUser(user.id)).toEqual(user);
      const found = await accounts.findByEmail(user.email.toUpperCase());
      expect(found?.user).toEqual(user);
      expect(found?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await accounts.findByEmail(`nobody-${randomUUID()}@example.com`)).toBeNull();
      await accounts.setPasswordHash(user.id, 'new-hash');
      expect((await accounts.findByEmail(user.email))?.passwordHash).toBe('new-hash');
    });

    it('refuses a second account for the same email in another case, storing nothing', async () => {
      const user = await newUser();
      const id = `user-${randomUUID()}`;
      await expect(
        ctx.store().accounts.createUser({
          id,
          email: user.email.toLowerCase(),
          displayName: 'Eve',
          passwordHash: null,
        }),
      ).rejects.toBeInstanceOf(EmailTakenError);
      expect(await ctx.store().accounts.getUser(id)).toBeNull();
    });

    it('rotates a refresh token once; a second use revokes the family', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      const { session, token } = await newSession(user.id);
      const rotated = await accounts.rotateRefreshToken(token, 'next-1', later(1000));
      expect(rotated).toMatchObject({
        kind: 'rotated',
        session: { id: session.id },
        user: { id: user.id },
      });
      expect(await accounts.activeSession(session.id, later(1000))).not.toBeNull();

      const reused = await accounts.rotateRefreshToken(token, 'next-2', later(2000));
      expect(reused).toMatchObject({ kind: 'reused', session: { id: session.id } });
      expect(await accounts.activeSession(session.id, later(2000))).toBeNull();
      // The current token of the revoked family is dead too.
      expect((await accounts.rotateRefreshToken('next-1', 'next-3', later(3000))).kind).toBe(
        'ended',
      );
      expect((await accounts.rotateRefreshToken(`never-${randomUUID()}`, 'x', T0)).kind).toBe(
        'unknown',
      );
    });

    it('lets exactly one of two concurrent exchanges of one token rotate', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      const { token } = await newSession(user.id);
      const outcomes = await Promise.all([
        accounts.rotateRefreshToken(token, `a-${randomUUID()}`, later(1)),
        accounts.rotateRefreshToken(token, `b-${randomUUID()}`, later(1)),
      ]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['reused', 'rotated']);
    });

    it('ends a family at its absolute expiry, however often it was refreshed', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      const { session, token } = await newSession(user.id, undefined, later(DAY));
      expect((await accounts.rotateRefreshToken(token, 'e-1', later(DAY - 1))).kind).toBe(
        'rotated',
      );
      expect(await accounts.activeSession(session.id, later(DAY))).toBeNull();
      expect((await accounts.rotateRefreshToken('e-1', 'e-2', later(DAY))).kind).toBe('ended');
    });

    it('revokes one family, or every family of a user', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      const a = await newSession(user.id);
      const b = await newSession(user.id);
      const other = await newSession((await newUser()).id);
      expect((await accounts.sessionByRefreshToken(a.token))?.id).toBe(a.session.id);
      expect(await accounts.revokeSession(a.session.id, T0)).toBe(true);
      expect(await accounts.revokeSession(a.session.id, T0)).toBe(false);
      expect(await accounts.activeSession(a.session.id, T0)).toBeNull();
      expect(await accounts.revokeUserSessions(user.id, T0)).toEqual([b.session.id]);
      expect(await accounts.activeSession(b.session.id, T0)).toBeNull();
      expect(await accounts.activeSession(other.session.id, T0)).not.toBeNull();
    });

    it('saves settings with one row per user, however often and however concurrently', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      expect(await accounts.getSettings(user.id)).toEqual({
        preferredLanguage: null,
        editor: null,
      });
      const editor = { fontSize: 16, tabSize: 2 as const, lineWrapping: true };
      await Promise.all(
        [1, 2, 3, 4].map((i) =>
          accounts.saveSettings(user.id, {
            displayName: `Ada ${i}`,
            preferredLanguage: 'python',
            editor,
          }),
        ),
      );
      const saved = await accounts.saveSettings(user.id, {
        displayName: 'Ada L.',
        preferredLanguage: 'javascript',
        editor,
      });
      expect(saved).toEqual({
        user: { ...user, displayName: 'Ada L.' },
        settings: { preferredLanguage: 'javascript', editor },
      });
      expect(await accounts.getSettings(user.id)).toEqual(saved?.settings);
      expect(
        await accounts.saveSettings(`nobody-${randomUUID()}`, {
          displayName: 'x',
          preferredLanguage: null,
          editor,
        }),
      ).toBeNull();
    });

    it('enrols TOTP, accepts each step once and recovery codes once, and disables it', async () => {
      const accounts = ctx.store().accounts;
      const user = await newUser();
      expect(await accounts.startTotpEnrolment(user.id, 'SECRET1')).toBe(true);
      expect(await accounts.startTotpEnrolment(user.id, 'SECRET2')).toBe(true);
      expect(await accounts.getTotp(user.id)).toEqual({
        secret: 'SECRET2',
        enabled: false,
        lastUsedStep: null,
      });
      expect(await accounts.useTotpStep(user.id, 100)).toBe(false); // not enabled yet
      expect(await accounts.enableTotp(user.id, 100, ['h1', 'h2'])).toBe(true);
      expect(await accounts.enableTotp(user.id, 101, ['h3'])).toBe(false);
      expect(await accounts.startTotpEnrolment(user.id, 'SECRET3')).toBe(false);
      expect((await accounts.getUser(user.id))?.twoFactorEnabled).toBe(true);

      expect(await accounts.useTotpStep(user.id, 100)).toBe(false);
      expect(await accounts.useTotpStep(user.id, 99)).toBe(false);
      expect(await accounts.useTotpStep(user.id, 101)).toBe(true);
      expect((await accounts.getTotp(user.id))?.lastUsedStep).toBe(101);

      expect(await accounts.remainingRecoveryCodes(user.id)).toBe(2);
      expect(await accounts.useRecoveryCode(user.id, 'h1', T0)).toBe(true);
      expect(await accounts.useRecoveryCode(user.id, 'h1', T0)).toBe(false);
      expect(await accounts.useRecoveryCode(user.id, 'nope', T0)).toBe(false);
      expect(await accounts.remainingRecoveryCodes(user.id)).toBe(1);

      await accounts.disableTotp(user.id);
      expect(await accounts.getTotp(user.id)).toBeNull();
      expect(await accounts.remainingRecoveryCodes(user.id)).toBe(0);
      expect((await accounts.getUser(user.id))?.twoFactorEnabled).toBe(false);
    });
  });
}
