/**
 * The S3 implementation against s3rver, an S3 protocol server (HTTP, SigV4
 * parsing, path-style buckets) started in this process on loopback. No MinIO
 * is installable here (not in Debian's archive, not on npm); s3rver is the
 * most real S3 service available. The AWS SDK speaks to it over real HTTP.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { describe, expect, it } from 'vitest';
import { blobStoreContract } from './blob-store.contract.js';
import { createBlobStore } from './index.js';

async function startS3(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tandem-s3-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'tandem-test', configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

const s3Config = (endpoint: string, bucket = 'tandem-test') => ({
  dataDir: '/nonexistent',
  s3Endpoint: endpoint,
  s3Bucket: bucket,
  s3Region: 'us-east-1',
  s3AccessKeyId: 'S3RVER',
  s3SecretAccessKey: 'S3RVER',
  s3ForcePathStyle: true,
});

blobStoreContract('S3 (s3rver on loopback)', async () => {
  const s3 = await startS3();
  return { blobs: await createBlobStore(s3Config(s3.endpoint)), cleanup: s3.stop };
});

describe('S3BlobStore', () => {
  it('is chosen when S3_* is set, and reports a missing bucket instead of pretending', async () => {
    const s3 = await startS3();
    try {
      const blobs = await createBlobStore(s3Config(s3.endpoint, 'no-such-bucket'));
      expect(blobs.description).toBe(`S3 bucket "no-such-bucket" at ${s3.endpoint}`);
      await expect(blobs.put(Buffer.from('x'))).rejects.toThrow(/bucket/i);
      await blobs.close();
    } finally {
      await s3.stop();
    }
  });
});
