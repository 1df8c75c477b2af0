/**
 * Sign-up and password sign-in. Both end in `Sessions.issue`; sign-up then
 * calls `onSignedUp` (the welcome email's hook) without waiting for it.
 */
import { randomBytes } from 'node:crypto';
import type { SignInBody, SignUpBody } from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EmailTakenError, type Store, type StoredUser } from '../store/index.js';
import type { Account } from './principal.js';
import { checkNewPassword, hashPassword, needsRehash, verifyPassword } from './passwords.js';

/** Called once an account exists (e.g. to queue the welcome email). Never awaited by sign-up. */
export type OnSignedUp = (account: Omit<Account, 'sessionId'>) => void | Promise<void>;

export interface AccountServiceDeps {
  store: Store;
  logger: Logger;
  onSignedUp?: OnSignedUp | undefined;
}

export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** Creates an account with a password (length already checked by the schema). Throws PASSWORD_TOO_COMMON or EMAIL_TAKEN. */
  async signUp(body: SignUpBody): Promise<StoredUser> {
    checkNewPassword(body.password);
    const passwordHash = await hashPassword(body.password);
    let user: StoredUser;
    try {
      user = await this.deps.store.accounts.createUser({
        id: randomBytes(16).toString('base64url'),
        email: body.email.trim(),
        displayName: body.displayName.trim(),
        passwordHash,
      });
    } catch (err) {
      if (err instanceof EmailTakenError) throw new AppError('EMAIL_TAKEN', undefined, 'email');
      throw err;
    }
    this.deps.logger.info({ userId: user.id }, 'account created');
    this.#signedUp(user);
    return user;
  }

  /**
   * The account whose email and password these are. Throws INVALID_CREDENTIALS
   * alike for an unknown email and a wrong password (and takes as long for both).
   */
  async checkPassword(body: Pick<SignInBody, 'email' | 'password'>): Promise<StoredUser> {
    const found = await this.deps.store.accounts.findByEmail(body.email.trim());
    const ok = await verifyPassword(found?.passwordHash ?? null, body.password);
    if (!ok || found === null) throw new AppError('INVALID_CREDENTIALS');
    if (found.passwordHash !== null && needsRehash(found.passwordHash)) {
      await this.deps.store.accounts.setPasswordHash(
        found.user.id,
        await hashPassword(body.password),
      );
    }
    return found.user;
  }

  #signedUp(user: StoredUser): void {
    const hook = this.deps.onSignedUp;
    if (hook === undefined) return;
    const account = { id: user.id, email: user.email, displayName: user.displayName };
    Promise.resolve()
      .then(() => hook(account))
      .catch((err: unknown) =>
        this.deps.logger.error({ err, userId: user.id }, 'onSignedUp failed (the account exists)'),
      );
  }
}
