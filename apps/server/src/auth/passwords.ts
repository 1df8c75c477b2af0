/**
 * Password hashing (argon2id, OWASP's minimum: 19 MiB, 2 passes, 1 lane) and
 * the policy for new passwords: 8 to 128 characters, no composition rules,
 * not one of the 10,000 most common passwords (resources/common-passwords.txt).
 * Passwords are NFKC-normalised (NIST SP 800-63B) and hashed whole: nothing is
 * truncated, so every character counts.
 */
import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors.js';

/** Argon2id is `Algorithm.Argon2id`, a const enum the package's types cannot export to us. */
const ARGON2ID = 2;

export const HASH_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

let common: ReadonlySet<string> | undefined;

/** The common-password list, loaded on first use (from src/ and dist/ alike: both sit two folders below the package). */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('../../resources/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return common;
}

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Throws PASSWORD_TOO_COMMON for a password on the list. The length rule
 * (8 to 128 characters) is the request schema's, checked at the edge.
 */
export function checkNewPassword(password: string): void {
  if (commonPasswords().has(normalizePassword(password).toLowerCase())) {
    throw new AppError('PASSWORD_TOO_COMMON', undefined, 'password');
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), HASH_OPTIONS);
}

/** A hash of a random password, verified against when an email has no account, so both cases take as long. */
let decoy: Promise<string> | undefined;

/**
 * True when `password` matches `stored`. With `stored` null (no such account,
 * or no password on it) a decoy hash is still verified, so timing tells
 * nothing about which emails have accounts.
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  decoy ??= hash(crypto.randomUUID(), HASH_OPTIONS);
  const target = stored ?? (await decoy);
  // A malformed stored hash is a mismatch, never a 500.
  const ok = await verify(target, normalizePassword(password)).catch(() => false);
  return stored !== null && ok;
}

/** True when a stored hash uses weaker parameters than today's (rehash it after a successful sign-in). */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return Number(m[1]) < HASH_OPTIONS.memoryCost || Number(m[2]) < HASH_OPTIONS.timeCost;
}
