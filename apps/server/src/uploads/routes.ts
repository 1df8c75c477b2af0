/**
 * REST for an account's avatar and resume. Uploads are multipart with one
 * file in the field `file`; the size limit is enforced while the body streams
 * in (413 as soon as it is passed), and the type is decided from the bytes.
 * Files are served with the stored type, `nosniff`, a sandboxing CSP and an
 * explicit Content-Disposition, so no upload is ever rendered as a page.
 */
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProfileFilesSchema, UPLOAD_FIELD, type ProfileFiles } from '@tandem/protocol';
import { requireAccount } from '../auth/authenticator.js';
import type { Authenticator } from '../auth/principal.js';
import type { BlobStore } from '../blobs/index.js';
import { AppError } from '../errors.js';
import { ErrorSchema } from '../http/schemas.js';
import type { Logger } from '../logger.js';
import type { ProfileFileKind, Store, StoredProfileFile } from '../store/index.js';
import {
  AVATAR_RULES,
  RESUME_RULES,
  processAvatar,
  processResume,
  safeResumeName,
} from './process-upload.js';

export interface UploadRoutesDeps {
  auth: Authenticator;
  store: Store;
  blobs: BlobStore;
  logger: Logger;
}

/** Multipart framing around the file: boundaries and part headers. */
const FRAMING_BYTES = 16 * 1024;
const MiB = 1024 * 1024;

const FILE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

export function toProfileFiles(files: StoredProfileFile[]): ProfileFiles {
  const avatar = files.find((f) => f.kind === 'avatar');
  const resume = files.find((f) => f.kind === 'resume');
  return {
    avatarUrl: avatar ? `/api/users/${avatar.userId}/avatar?v=${avatar.blobKey.slice(0, 8)}` : null,
    resume: resume
      ? {
          fileName: resume.fileName,
          bytes: resume.byteSize,
          uploadedAt: resume.createdAt.toISOString(),
        }
      : null,
  };
}

export const uploadRoutes: FastifyPluginAsyncZod<UploadRoutesDeps> = async (
  app,
  { auth, store, blobs, logger },
) => {
  await app.register(multipart, {
    limits: { files: 1, fields: 0, parts: 1, headerPairs: 20 },
  });

  /** Reads the one file of the request, refusing as soon as it passes `maxBytes`. */
  async function readUpload(
    request: FastifyRequest,
    what: string,
    maxBytes: number,
  ): Promise<{ bytes: Buffer; fileName: string }> {
    const tooLarge = () =>
      new AppError(
        'PAYLOAD_TOO_LARGE',
        `The ${what} is larger than ${maxBytes / MiB} MiB. Choose a smaller file.`,
      );
    if (Number(request.headers['content-length'] ?? 0) > maxBytes + FRAMING_BYTES) throw tooLarge();
    if (!request.isMultipart()) throw new AppError('UPLOAD_MISSING');
    let part;
    try {
      part = await request.file({ limits: { fileSize: maxBytes } });
    } catch {
      throw new AppError('UPLOAD_MISSING');
    }
    if (!part || part.fieldname !== UPLOAD_FIELD) throw new AppError('UPLOAD_MISSING');
    // Answer 413 the moment the limit is passed, not when the client has finished sending.
    const { file } = part;
    const limited = new Promise<never>((_, reject) => file.once('limit', () => reject(tooLarge())));
    const reading = part.toBuffer();
    reading.catch(() => {}); // after a 413 it fails too; the race has answered
    try {
      const bytes = await Promise.race([reading, limited]);
      if (file.truncated) throw tooLarge();
      return { bytes, fileName: part.filename };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) throw tooLarge();
      throw new AppError(
        'UPLOAD_MISSING',
        'The upload was cut off before the file ended. Try again.',
      );
    }
  }

  /** Stores the blob, points the account at it, then deletes what it replaced. */
  async function save(file: Omit<StoredProfileFile, 'blobKey' | 'createdAt'>, bytes: Uint8Array) {
    const blobKey = await blobs.put(bytes);
    let replaced: string | null;
    try {
      replaced = await store.profileFiles.put({ ...file, blobKey });
    } catch (err) {
      await blobs.delete(blobKey).catch(() => {});
      throw err;
    }
    if (replaced) await dropBlob(replaced);
  }

  async function dropBlob(key: string) {
    await blobs
      .delete(key)
      .catch((err: unknown) => logger.warn({ err, key }, 'could not delete a replaced blob'));
  }

  async function answer(userId: string): Promise<ProfileFiles> {
    return toProfileFiles(await store.profileFiles.list(userId));
  }

  const uploadSchema = (summary: string) => ({
    summary,
    tags: ['profile'],
    security: [{ bearer: [] }],
    consumes: ['multipart/form-data'],
    response: {
      200: ProfileFilesSchema,
      400: ErrorSchema,
      401: ErrorSchema,
      413: ErrorSchema,
      415: ErrorSchema,
      422: ErrorSchema,
    },
  });

  app.get(
    '/api/me/files',
    {
      schema: {
        summary: "The signed-in account's avatar and resume",
        tags: ['profile'],
        security: [{ bearer: [] }],
        response: { 200: ProfileFilesSchema, 401: ErrorSchema },
      },
    },
    async (request) => answer((await requireAccount(auth, request)).id),
  );

  app.put(
    '/api/me/avatar',
    { schema: uploadSchema('Upload an avatar (PNG, JPEG or WebP)') },
    async (request) => {
      const account = await requireAccount(auth, request);
      const { bytes } = await readUpload(request, 'image', AVATAR_RULES.maxBytes);
      const avatar = await processAvatar(bytes);
      await save(
        {
          userId: account.id,
          kind: 'avatar',
          contentType: avatar.contentType,
          byteSize: avatar.bytes.byteLength,
          fileName: 'avatar.webp',
        },
        avatar.bytes,
      );
      return answer(account.id);
    },
  );

  app.put('/api/me/resume', { schema: uploadSchema('Upload a resume (PDF)') }, async (request) => {
    const account = await requireAccount(auth, request);
    const { bytes, fileName } = await readUpload(request, 'resume', RESUME_RULES.maxBytes);
    const resume = await processResume(bytes);
    await save(
      {
        userId: account.id,
        kind: 'resume',
        contentType: resume.contentType,
        byteSize: resume.bytes.byteLength,
        fileName: safeResumeName(fileName),
      },
      resume.bytes,
    );
    return answer(account.id);
  });

  for (const kind of ['avatar', 'resume'] as const) {
    app.delete(
      `/api/me/${kind}`,
      {
        schema: {
          summary: `Remove the ${kind}`,
          tags: ['profile'],
          security: [{ bearer: [] }],
          response: { 200: ProfileFilesSchema, 401: ErrorSchema },
        },
      },
      async (request) => {
        const account = await requireAccount(auth, request);
        const key = await store.profileFiles.remove(account.id, kind);
        if (key) await dropBlob(key);
        return answer(account.id);
      },
    );
  }

  async function send(
    reply: FastifyReply,
    userId: string,
    kind: ProfileFileKind,
    disposition: string,
  ) {
    const file = await store.profileFiles.get(userId, kind);
    const bytes = file ? await blobs.get(file.blobKey) : null;
    if (!file || !bytes) throw new AppError('NOT_FOUND', `This account has no ${kind}.`);
    return reply
      .headers({
        ...FILE_HEADERS,
        'content-type': file.contentType,
        'content-disposition': `${disposition}; filename="${file.fileName}"`,
      })
      .send(Buffer.from(bytes));
  }

  app.get(
    '/api/users/:id/avatar',
    {
      schema: {
        summary: "An account's avatar (public image)",
        tags: ['profile'],
        params: z.object({ id: z.string().max(64) }),
        response: { 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'public, max-age=86400');
      return send(reply, request.params.id, 'avatar', 'inline');
    },
  );

  // Owner only for now. When interview rooms exist, the interviewers of a room
  // the candidate is in may read it too (issue 4, rooms): check that here.
  app.get(
    '/api/me/resume',
    {
      schema: {
        summary: "Download the signed-in account's resume",
        tags: ['profile'],
        security: [{ bearer: [] }],
        response: { 401: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const account = await requireAccount(auth, request);
      void reply.header('cache-control', 'private, no-store');
      return send(reply, account.id, 'resume', 'attachment');
    },
  );
};
