/** The account part of the persistence seam (`Store.accounts`); see account-store.ts. */
import type { EditorSettings, LanguageId } from '@tandem/protocol';

export interface StoredUser {
  id: string;
  /** As the person typed it; unique whatever its case. */
  email: string;
  displayName: string;
  createdAt: Date;
  twoFactorEnabled: boolean;
}

export interface StoredSettings {
  preferredLanguage: LanguageId | null;
  /** Null until first saved: the client's defaults apply. */
  editor: EditorSettings | null;
}

/** One sign-in on one device: a family of refresh tokens. */
export interface StoredSession {
  id: string;
  userId: string;
  createdAt: Date;
  /** Absolute end: refreshing never extends it. */
  expiresAt: Date;
  revokedAt: Date | null;
}

export type RotateOutcome =
  /** The token was current: it is now used, `newHash` is the family's current token. */
  | { kind: 'rotated'; session: StoredSession; user: StoredUser }
  /** The token had already been exchanged: the whole family is now revoked. */
  | { kind: 'reused'; session: StoredSession }
  /** The family was revoked or is past its absolute expiry. */
  | { kind: 'ended'; session: StoredSession }
  /** No such token was ever issued. */
  | { kind: 'unknown' };

export interface StoredTotp {
  secret: string;
  /** False while enrolment waits for its first code. */
  enabled: boolean;
  lastUsedStep: number | null;
}

/** Thrown by `createUser` when the email (in any case) already has an account. */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
  constructor() {
    super('An account with this email address exists');
  }
}

export interface AccountStore {
  /** Creates the user, its password credential and its settings row in one transaction. Throws EmailTakenError. */
  createUser(user: {
    id: string;
    email: string;
    displayName: string;
    passwordHash: string | null;
  }): Promise<StoredUser>;
  getUser(id: string): Promise<StoredUser | null>;
  /** Case-insensitive; `passwordHash` is null for accounts without a password. */
  findByEmail(email: string): Promise<{ user: StoredUser; passwordHash: string | null } | null>;
  setPasswordHash(userId: string, hash: string): Promise<void>;

  /** Starts a family with its first refresh token (hashed). */
  createSession(
    session: { id: string; userId: string; createdAt: Date; expiresAt: Date },
    refreshTokenHash: string,
  ): Promise<StoredSession>;
  /** The session and its user when neither revoked nor expired at `now`; one query (checked on every request). */
  activeSession(
    id: string,
    now: Date,
  ): Promise<{ session: StoredSession; user: StoredUser } | null>;
  /**
   * Exchanges a refresh token for the next one, atomically: of two concurrent
   * exchanges of the same token one rotates and the other is a reuse.
   */
  rotateRefreshToken(oldHash: string, newHash: string, now: Date): Promise<RotateOutcome>;
  /** The family a refresh token (used or not) belongs to, whatever its state. */
  sessionByRefreshToken(tokenHash: string): Promise<StoredSession | null>;
  /** Revokes one family; false when it was already revoked or does not exist. */
  revokeSession(id: string, now: Date): Promise<boolean>;
  /** Revokes every active family of the user; returns their ids. */
  revokeUserSessions(userId: string, now: Date): Promise<string[]>;

  getSettings(userId: string): Promise<StoredSettings>;
  /** Saves the display name and the settings in one transaction (settings: one upsert). Null: no such user. */
  saveSettings(
    userId: string,
    settings: { displayName: string; preferredLanguage: LanguageId | null; editor: EditorSettings },
  ): Promise<{ user: StoredUser; settings: StoredSettings } | null>;

  getTotp(userId: string): Promise<StoredTotp | null>;
  /** Stores a new pending secret, replacing a pending one; false (nothing written) when 2FA is already on. */
  startTotpEnrolment(userId: string, secret: string): Promise<boolean>;
  /**
   * Turns a pending enrolment on: records `step` as used and replaces the
   * recovery codes, in one transaction. False when nothing was pending or the step was used.
   */
  enableTotp(userId: string, step: number, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** Records a code's step as used; false when this or a later step was already used (replay). */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Marks an unused recovery code used; false when there is none with this hash. */
  useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  /** Removes the TOTP secret and every recovery code. */
  disableTotp(userId: string): Promise<void>;
}
