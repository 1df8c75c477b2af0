/**
 * What an upload must be, decided from its bytes alone: the client's
 * Content-Type and file name are never consulted. Avatars are decoded and
 * re-encoded (a fresh WebP, no metadata), so nothing a client put in the file
 * reaches another browser; resumes are checked to be PDFs and kept as sent.
 */
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import { AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS, RESUME_MAX_BYTES } from '@tandem/protocol';
import { AppError } from '../errors.js';

export const AVATAR_RULES = {
  maxBytes: AVATAR_MAX_BYTES,
  maxPixels: AVATAR_MAX_PIXELS,
  /** Stored avatars are this many pixels square. */
  side: 256,
  accepted: ['image/png', 'image/jpeg', 'image/webp'],
} as const;

export const RESUME_RULES = {
  maxBytes: RESUME_MAX_BYTES,
  accepted: ['application/pdf'],
} as const;

export interface ProcessedUpload {
  bytes: Uint8Array;
  /** The type the server decided on and will serve it as. */
  contentType: string;
}

async function sniff(
  input: Uint8Array,
  accepted: readonly string[],
  wanted: string,
): Promise<string> {
  const found = await fileTypeFromBuffer(input);
  if (found && accepted.includes(found.mime)) return found.mime;
  const what = found
    ? `a ${found.ext.toUpperCase()} file (${found.mime})`
    : 'of a kind the server does not recognise';
  throw new AppError('UPLOAD_TYPE_REFUSED', `This file is ${what}; send ${wanted}.`);
}

/** Decodes a PNG, JPEG or WebP avatar and re-encodes it as a 256x256 WebP without metadata. */
export async function processAvatar(input: Uint8Array): Promise<ProcessedUpload> {
  const sniffed = await sniff(input, AVATAR_RULES.accepted, 'a PNG, JPEG or WebP image');
  // Read the header before decoding anything: a few kilobytes can declare
  // billions of pixels, and decoding them would exhaust memory.
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError(
      'UPLOAD_UNREADABLE',
      'The image could not be read. Save it again as PNG, JPEG or WebP.',
    );
  }
  if (`image/${meta.format}` !== sniffed) {
    throw new AppError('UPLOAD_UNREADABLE', 'The image is not what its first bytes say it is.');
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > AVATAR_RULES.maxPixels) {
    throw new AppError(
      'IMAGE_TOO_MANY_PIXELS',
      `The image is ${meta.width}x${meta.height} (${Math.round(pixels / 1e6)} megapixels); at most 40 megapixels are accepted. Resize it and try again.`,
    );
  }
  try {
    const bytes = await sharp(input, { limitInputPixels: AVATAR_RULES.maxPixels, failOn: 'error' })
      .rotate() // apply the EXIF orientation before the metadata is dropped
      .resize(AVATAR_RULES.side, AVATAR_RULES.side, { fit: 'cover' })
      .webp({ quality: 85 })
      .toBuffer();
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      contentType: 'image/webp',
    };
  } catch {
    throw new AppError(
      'UPLOAD_UNREADABLE',
      'The image is damaged and could not be decoded. Save it again and retry.',
    );
  }
}

/** Checks that a resume is a whole PDF (its header by magic bytes, its end-of-file marker). */
export async function processResume(input: Uint8Array): Promise<ProcessedUpload> {
  const contentType = await sniff(input, RESUME_RULES.accepted, 'a PDF');
  // Readers look for %%EOF within the last 1024 bytes; a file without one is truncated.
  const tail = Buffer.from(input.subarray(Math.max(0, input.byteLength - 1024))).toString('latin1');
  if (!tail.includes('%%EOF')) {
    throw new AppError(
      'UPLOAD_UNREADABLE',
      'The PDF is incomplete (it has no end). Export it again and retry.',
    );
  }
  return { bytes: input, contentType };
}

/** A file name safe in a Content-Disposition header: ASCII letters, digits, `._-`, ending in `.pdf`. */
export function safeResumeName(clientName: string | undefined): string {
  const base = (clientName ?? '')
    .replace(/\.pdf$/i, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|[._]+$/g, '')
    .slice(0, 80);
  return `${base || 'resume'}.pdf`;
}
