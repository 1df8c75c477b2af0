/**
 * From a provider's verified identity to a Tandem account, by (provider,
 * subject) only. An email address never joins two sign-ins: a first sign-in
 * whose email already has an account is refused with a way forward (sign in,
 * then link), so nobody takes over a password account by registering its
 * address at a provider.
 */
import crypto from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  EmailTakenError,
  IdentityTakenError,
  type Store,
  type StoredUser,
} from '../../store/index.js';
import type { ProviderIdentity } from './identity.js';

export class ProviderAccounts {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** The account this identity signs in to, creating it on a first sign-in; or, with `linkTo`, links it. */
  async resolve(identity: ProviderIdentity, linkTo: string | null): Promise<StoredUser> {
    const { provider, subject, email } = identity;
    const existing = await this.store.identities.find(provider, subject);
    if (linkTo !== null) return this.link(identity, linkTo, existing?.userId ?? null);
    if (existing) {
      // Identities are deleted with their account, so the account is there.
      const user = await this.store.accounts.getUser(existing.userId);
      if (!user) throw new AppError('UNAUTHENTICATED');
      return this.refuseSecondFactor(user);
    }
    if (email === null) throw new AppError('OAUTH_EMAIL_UNVERIFIED');
    if (await this.store.accounts.findByEmail(email)) {
      this.logger.info(
        { provider },
        'provider sign-in refused: the email belongs to another account',
      );
      throw new AppError('OAUTH_EMAIL_IN_USE');
    }
    try {
      const user = await this.store.identities.createUserWithIdentity(
        { id: crypto.randomUUID(), email, displayName: identity.displayName.slice(0, 60) },
        { provider, subject, email },
      );
      this.logger.info({ userId: user.id, provider }, 'account created by provider sign-in');
      return user;
    } catch (err) {
      if (err instanceof EmailTakenError) throw new AppError('OAUTH_EMAIL_IN_USE');
      if (err instanceof IdentityTakenError) return this.resolve(identity, null); // a concurrent first sign-in won
      throw err;
    }
  }

  private async link(
    identity: ProviderIdentity,
    userId: string,
    linkedTo: string | null,
  ): Promise<StoredUser> {
    const user = await this.store.accounts.getUser(userId);
    if (!user) throw new AppError('UNAUTHENTICATED');
    if (linkedTo === userId) return user;
    if (linkedTo !== null) throw new AppError('OAUTH_ALREADY_LINKED');
    try {
      await this.store.identities.link(userId, identity);
    } catch (err) {
      if (err instanceof IdentityTakenError) {
        throw new AppError(
          'OAUTH_ALREADY_LINKED',
          'This account already has another account at this provider linked.',
        );
      }
      throw err;
    }
    this.logger.info({ userId, provider: identity.provider }, 'provider linked');
    return user;
  }

  /** Provider sign-in cannot ask for the authenticator code yet, so it must not skip it. */
  private refuseSecondFactor(user: StoredUser): StoredUser {
    if (user.twoFactorEnabled) throw new AppError('OAUTH_SECOND_FACTOR_REQUIRED');
    return user;
  }
}
