import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobStoreContract } from './blob-store.contract.js';
import { DiskBlobStore } from './disk-blob-store.js';
import { createBlobStore } from './index.js';

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'tandem-blobs-'));

blobStoreContract('local disk', async () => {
  const dir = await tempDir();
  return {
    blobs: await DiskBlobStore.open(dir),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
});

const noS3 = {
  s3Endpoint: undefined,
  s3Bucket: undefined,
  s3Region: undefined,
  s3AccessKeyId: undefined,
  s3SecretAccessKey: undefined,
  s3ForcePathStyle: true,
};

describe('DiskBlobStore', () => {
  it('is the default, under DATA_DIR/blobs, and leaves no temporary file after a write', async () => {
    const dataDir = await tempDir();
    try {
      const blobs = await createBlobStore({ dataDir, ...noS3 });
      expect(blobs.description).toBe(`local disk at ${path.join(dataDir, 'blobs')}`);
      const key = await blobs.put(Buffer.from('avatar'));
      const files = await fs.readdir(path.join(dataDir, 'blobs'), { recursive: true });
      expect(files.sort()).toEqual([key.slice(0, 2), path.join(key.slice(0, 2), key)].sort());
      const stat = await fs.stat(path.join(dataDir, 'blobs', key.slice(0, 2), key));
      expect(stat.mode & 0o777).toBe(0o600);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with only some S3 options set, naming the missing ones', async () => {
    await expect(
      createBlobStore({
        dataDir: '/nonexistent',
        ...noS3,
        s3Endpoint: 'http://127.0.0.1:9000',
        s3Bucket: 'tandem',
      }),
    ).rejects.toThrow(/missing S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/);
  });
});
