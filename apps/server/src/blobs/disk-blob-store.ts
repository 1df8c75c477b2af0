import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkBlobKey, newBlobKey, type BlobStore } from './blob-store.js';

/**
 * Blobs as files under one folder, fanned out by the key's first two
 * characters. A write goes to a temporary file in the same folder, is flushed
 * to disk, then renamed into place, so a crash leaves the old state or the
 * new one, never half a file.
 */
export class DiskBlobStore implements BlobStore {
  readonly description: string;

  private constructor(private readonly root: string) {
    this.description = `local disk at ${root}`;
  }

  static async open(root: string): Promise<DiskBlobStore> {
    await fs.mkdir(root, { recursive: true });
    return new DiskBlobStore(root);
  }

  private pathOf(key: string): string {
    checkBlobKey(key);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = newBlobKey();
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(path.dirname(target), `.tmp-${crypto.randomBytes(8).toString('hex')}`);
    try {
      const file = await fs.open(temp, 'wx', 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const buf = await fs.readFile(this.pathOf(key));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}
