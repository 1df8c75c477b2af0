/**
 * Password sign-in with its brute-force limits and the second factor. Wrong
 * passwords count against the account (its email, whether or not it exists,
 * so the limit says nothing about which emails have accounts) and against the
 * client IP; past either limit the answer is 429 with Retry-After until the
 * window ends. A right password resets the account's count.
 */
import type { SignInBody } from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { StoredUser } from '../store/store.js';
import type { AccountService } from './accounts.js';
import type { FailureLimiter } from '../limits/index.js';
import type { TwoFactor } from './two-factor.js';

export interface SignInDeps {
  accounts: AccountService;
  twoFactor: TwoFactor;
  perAccount: FailureLimiter;
  perIp: FailureLimiter;
}

export class SignIn {
  constructor(private readonly deps: SignInDeps) {}

  /** The account, once password and (if on) second factor are right. */
  async signIn(body: SignInBody, ip: string): Promise<StoredUser> {
    const { accounts, twoFactor, perAccount, perIp } = this.deps;
    const accountKey = body.email.trim().toLowerCase();
    const wait = Math.max(await perAccount.check(accountKey), await perIp.check(ip));
    if (wait > 0) {
      throw AppError.retryable(
        'RATE_LIMITED',
        `Too many failed sign-ins. Try again in ${wait} s.`,
        wait,
      );
    }
    let user: StoredUser;
    try {
      user = await accounts.checkPassword(body);
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') {
        await Promise.all([perAccount.fail(accountKey), perIp.fail(ip)]);
      }
      throw err;
    }
    await perAccount.reset(accountKey);
    if (user.twoFactorEnabled) {
      if (body.code === undefined || body.code.trim() === '') throw new AppError('TOTP_REQUIRED');
      await twoFactor.verify(user.id, body.code);
    }
    return user;
  }
}
