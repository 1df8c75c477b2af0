/**
 * The blob seam: opaque bytes under keys the server makes. Local disk under
 * `DATA_DIR/blobs` by default, S3-compatible storage when `S3_*` is set. Every
 * implementation passes `blob-store.contract.ts`.
 *
 * Keys are random (128 bits, base64url) and chosen here, never by a client, so
 * no upload can name a path. What a blob is (its type, its owner) lives in the
 * database beside its key.
 *
 * @example
 * const key = await blobs.put(webpBytes);
 * const bytes = await blobs.get(key); // null once deleted
 * await blobs.delete(key);
 */
import crypto from 'node:crypto';

export interface BlobStore {
  /** Where blobs go, for logs (never a secret). */
  readonly description: string;
  /** Stores the bytes under a new key and returns it; the blob is complete or absent, never partial. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes the blob; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]{22}$/;

export function newBlobKey(): string {
  return crypto.randomBytes(16).toString('base64url');
}

/** Refuses anything but a key `newBlobKey` could have made (a stored key is data, and data can be corrupt). */
export function checkBlobKey(key: string): string {
  if (!KEY.test(key)) throw new InvalidBlobKeyError(key);
  return key;
}

export class InvalidBlobKeyError extends Error {
  override name = 'InvalidBlobKeyError';
  constructor(key: string) {
    super(`Not a blob key: ${JSON.stringify(key.slice(0, 80))}`);
  }
}
