/**
 * The contract every `BlobStore` passes, run against each real backend
 * (`blob-store.disk.test.ts`, `blob-store.s3.test.ts`).
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidBlobKeyError, type BlobStore } from './blob-store.js';

export interface BlobHarness {
  blobs: BlobStore;
  cleanup: () => Promise<void>;
}

export function blobStoreContract(name: string, open: () => Promise<BlobHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: BlobHarness;
    let blobs: BlobStore;
    beforeAll(async () => {
      harness = await open();
      blobs = harness.blobs;
    });
    afterAll(async () => {
      await harness?.blobs.close();
      await harness?.cleanup();
    });

    it('returns the same bytes it stored', async () => {
      const bytes = crypto.randomBytes(300_000);
      const key = await blobs.put(bytes);
      expect(Buffer.from((await blobs.get(key))!)).toEqual(bytes);
    });

    it('stores an empty blob', async () => {
      const key = await blobs.put(new Uint8Array());
      expect((await blobs.get(key))?.byteLength).toBe(0);
    });

    it('makes a new random key for every put, even of the same bytes', async () => {
      const bytes = Buffer.from('same bytes');
      const a = await blobs.put(bytes);
      const b = await blobs.put(bytes);
      expect(a).not.toBe(b);
      expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
      await blobs.delete(a);
      expect(Buffer.from((await blobs.get(b))!).toString()).toBe('same bytes');
    });

    it('returns null for a key it never stored', async () => {
      expect(await blobs.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    });

    it('deletes a blob, and deleting it again is not an error', async () => {
      const key = await blobs.put(Buffer.from('bye'));
      await blobs.delete(key);
      expect(await blobs.get(key)).toBeNull();
      await expect(blobs.delete(key)).resolves.toBeUndefined();
    });

    it('refuses a key that is a path or not one it could have made', async () => {
      for (const bad of ['../../etc/passwd', 'a/b', '', 'x'.repeat(23), 'AAAAAAAAAAAAAAAAAAAA..']) {
        await expect(blobs.get(bad)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(blobs.delete(bad)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });

    it('keeps concurrent puts apart', async () => {
      const payloads = Array.from({ length: 20 }, (_, i) => Buffer.from(`blob ${i}`));
      const keys = await Promise.all(payloads.map((p) => blobs.put(p)));
      expect(new Set(keys).size).toBe(20);
      const back = await Promise.all(keys.map((k) => blobs.get(k)));
      expect(back.map((b) => Buffer.from(b!).toString())).toEqual(payloads.map(String));
    });
  });
}
