import path from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

export type { BlobStore } from './blob-store.js';

type BlobConfig = Pick<
  Config,
  | 'dataDir'
  | 's3Endpoint'
  | 's3Bucket'
  | 's3Region'
  | 's3AccessKeyId'
  | 's3SecretAccessKey'
  | 's3ForcePathStyle'
>;

/**
 * Opens the blob store the configuration selects: S3 when `S3_ENDPOINT` is
 * set (then every other `S3_*` option must be too), else `DATA_DIR/blobs`.
 * Throws ConfigError naming the missing options.
 */
export async function createBlobStore(config: BlobConfig): Promise<BlobStore> {
  const s3 = {
    S3_ENDPOINT: config.s3Endpoint,
    S3_BUCKET: config.s3Bucket,
    S3_REGION: config.s3Region,
    S3_ACCESS_KEY_ID: config.s3AccessKeyId,
    S3_SECRET_ACCESS_KEY: config.s3SecretAccessKey,
  };
  const set = Object.entries(s3).filter(([, v]) => v !== undefined);
  if (set.length === 0) return DiskBlobStore.open(path.join(config.dataDir, 'blobs'));
  const missing = Object.entries(s3)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  S3 storage needs every S3_* option; missing ${missing.join(', ')}`,
    );
  }
  return new S3BlobStore({
    endpoint: s3.S3_ENDPOINT!,
    bucket: s3.S3_BUCKET!,
    region: s3.S3_REGION!,
    accessKeyId: s3.S3_ACCESS_KEY_ID!,
    secretAccessKey: s3.S3_SECRET_ACCESS_KEY!,
    forcePathStyle: config.s3ForcePathStyle,
  });
}
