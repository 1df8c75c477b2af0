import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 128 random bits in base64url (22 characters): invite link keys and participant ids. */
export function newKey(): string {
  return randomBytes(16).toString('base64url');
}

/** 256 random bits in base64url (43 characters): a candidate's guest credential. */
export function newGuestToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Guest tokens are stored as their SHA-256: a database leak does not hand out seats. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares secrets in constant time (the key comes from a link anyone may try). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
