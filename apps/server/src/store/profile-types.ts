/** Identities at sign-in providers and uploaded files: parts of the persistence seam (`Store.identities`, `Store.profileFiles`). */
import type { OAuthProviderId } from '@tandem/protocol';
import type { StoredUser } from './account-types.js';

export interface StoredIdentity {
  provider: OAuthProviderId;
  subject: string;
  userId: string;
  email: string | null;
  createdAt: Date;
}

/** Thrown when the (provider, subject) or the account's identity at that provider is already linked. */
export class IdentityTakenError extends Error {
  override name = 'IdentityTakenError';
}

export interface IdentityStore {
  find(provider: OAuthProviderId, subject: string): Promise<StoredIdentity | null>;
  /** Links the identity to an existing account. Throws IdentityTakenError. */
  link(
    userId: string,
    identity: Pick<StoredIdentity, 'provider' | 'subject' | 'email'>,
  ): Promise<void>;
  /**
   * Creates an account without a password and its identity in one
   * transaction. Throws EmailTakenError (the email has an account) or IdentityTakenError.
   */
  createUserWithIdentity(
    user: { id: string; email: string; displayName: string },
    identity: Pick<StoredIdentity, 'provider' | 'subject' | 'email'>,
  ): Promise<StoredUser>;
  listForUser(userId: string): Promise<StoredIdentity[]>;
}

export type ProfileFileKind = 'avatar' | 'resume';

export interface StoredProfileFile {
  userId: string;
  kind: ProfileFileKind;
  blobKey: string;
  contentType: string;
  byteSize: number;
  fileName: string;
  createdAt: Date;
}

export interface ProfileFileStore {
  get(userId: string, kind: ProfileFileKind): Promise<StoredProfileFile | null>;
  list(userId: string): Promise<StoredProfileFile[]>;
  /** Stores (or replaces) the account's file of this kind; returns the blob key it replaced, to delete. */
  put(file: Omit<StoredProfileFile, 'createdAt'>): Promise<string | null>;
  /** Forgets the file; returns its blob key, to delete, or null when there was none. */
  remove(userId: string, kind: ProfileFileKind): Promise<string | null>;
}
