import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { checkBlobKey, newBlobKey, type BlobStore } from './blob-store.js';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `bucket` in the path (MinIO, Ceph, most self-hosted servers) instead of the host name. */
  forcePathStyle: boolean;
}

/**
 * Blobs as objects in one bucket of an S3-compatible service. A PUT is atomic
 * on the service's side: readers see the whole object or none.
 */
export class S3BlobStore implements BlobStore {
  readonly description: string;
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.description = `S3 bucket "${settings.bucket}" at ${settings.endpoint}`;
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
      },
    });
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = newBlobKey();
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        // The bucket never serves these to a browser directly; the server does, with its own headers.
        ContentType: 'application/octet-stream',
      }),
    );
    return key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: checkBlobKey(key) }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (err instanceof NoSuchKey) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: checkBlobKey(key) }),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
