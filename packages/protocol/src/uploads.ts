import { z } from 'zod';

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
export const AVATAR_MAX_PIXELS = 40_000_000;
export const RESUME_MAX_BYTES = 10 * 1024 * 1024;
/** Upload forms send the file in a multipart/form-data field of this name. */
export const UPLOAD_FIELD = 'file';

/** What the server keeps about an account's uploads (`GET /api/me/files`, and the upload answers). */
export const ProfileFilesSchema = z.object({
  /** Path of the public avatar image (changes with every upload), or null. */
  avatarUrl: z.string().nullable(),
  resume: z
    .object({ fileName: z.string(), bytes: z.number().int(), uploadedAt: z.string() })
    .nullable(),
});
export type ProfileFiles = z.infer<typeof ProfileFilesSchema>;
