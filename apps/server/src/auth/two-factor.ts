/**
 * TOTP two-factor authentication (RFC 6238: SHA-1, 6 digits, 30 s steps, as
 * every authenticator app expects). A code is accepted for the current step or
 * one step either side, and only for a step later than the last accepted one,
 * so each code works once. Recovery codes are 50 random bits each, stored as
 * SHA-256 hashes (their entropy makes a slow hash unnecessary), usable once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import {
  RECOVERY_CODE_COUNT,
  type TwoFactorEnrolment,
  type TwoFactorStatus,
} from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { Store, StoredUser } from '../store/store.js';
import type { FailureLimiter } from '../limits/index.js';

export const TOTP_PERIOD_SECONDS = 30;
/** One step of drift either way: `epochTolerance` is in seconds. */
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS;
const ISSUER = 'Tandem';
/** Crockford-like: no 0/o, 1/l/i, so a code copied by hand reads back the same. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const isTotpCode = (code: string) => /^\d{6}$/.test(code.replace(/\s/g, ''));

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let out = '';
  for (const b of bytes) out += RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length];
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

export class TwoFactor {
  constructor(
    private readonly store: Store,
    /** Wrong codes per account; past its limit every code check answers 429. */
    private readonly attempts: FailureLimiter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async status(userId: string): Promise<TwoFactorStatus> {
    const totp = await this.store.accounts.getTotp(userId);
    const enabled = totp?.enabled ?? false;
    return {
      enabled,
      recoveryCodesLeft: enabled ? await this.store.accounts.remainingRecoveryCodes(userId) : 0,
    };
  }

  /** Starts (or restarts) enrolment with a new secret. Throws TWO_FACTOR_ENABLED. */
  async enrol(user: StoredUser): Promise<TwoFactorEnrolment> {
    const secret = generateSecret();
    if (!(await this.store.accounts.startTotpEnrolment(user.id, secret))) {
      throw new AppError('TWO_FACTOR_ENABLED');
    }
    const otpauthUrl = generateURI({ issuer: ISSUER, label: user.email, secret });
    const qrCode = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauthUrl, qrCode };
  }

  /** Confirms enrolment with a first code; returns the recovery codes (shown once). Throws INVALID_TOTP. */
  async confirm(userId: string, code: string): Promise<string[]> {
    const totp = await this.store.accounts.getTotp(userId);
    if (totp === null || totp.enabled) throw new AppError('TWO_FACTOR_NOT_PENDING');
    await this.#assertMayTry(userId);
    const step = await this.#matchingStep(totp.secret, code, totp.lastUsedStep);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    if (
      step === null ||
      !(await this.store.accounts.enableTotp(userId, step, codes.map(hashRecoveryCode)))
    ) {
      await this.#failed(userId);
    }
    await this.attempts.reset(userId);
    return codes;
  }

  /**
   * Checks a sign-in's second factor: an authenticator code (each step once)
   * or an unused recovery code (then used up). Throws INVALID_TOTP.
   */
  async verify(userId: string, code: string): Promise<void> {
    const totp = await this.store.accounts.getTotp(userId);
    if (totp === null || !totp.enabled) return;
    await this.#assertMayTry(userId);
    if (isTotpCode(code)) {
      const step = await this.#matchingStep(totp.secret, code, totp.lastUsedStep);
      // The conditional update lets only one of two concurrent uses of a code pass.
      if (step !== null && (await this.store.accounts.useTotpStep(userId, step))) {
        return this.attempts.reset(userId);
      }
    } else if (
      await this.store.accounts.useRecoveryCode(userId, hashRecoveryCode(code), this.now())
    ) {
      return this.attempts.reset(userId);
    }
    await this.#failed(userId);
  }

  async #assertMayTry(userId: string): Promise<void> {
    const wait = await this.attempts.check(userId);
    if (wait > 0) {
      throw AppError.retryable(
        'RATE_LIMITED',
        `Too many wrong codes. Try again in ${wait} s.`,
        wait,
      );
    }
  }

  async #failed(userId: string): Promise<never> {
    await this.attempts.fail(userId);
    throw new AppError('INVALID_TOTP');
  }

  /** Turns 2FA off after checking a current code (or a recovery code). */
  async disable(userId: string, code: string): Promise<void> {
    await this.verify(userId, code);
    await this.store.accounts.disableTotp(userId);
  }

  async #matchingStep(secret: string, code: string, lastUsedStep: number | null) {
    const token = code.replace(/\s/g, '');
    if (!isTotpCode(token)) return null;
    const result = await verify({
      secret,
      token,
      epoch: Math.floor(this.now().getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      period: TOTP_PERIOD_SECONDS,
      ...(lastUsedStep !== null && { afterTimeStep: lastUsedStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
