import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { HTML_PAYLOAD, SVG, image, pdf, pixelBomb } from './upload-fixtures.js';
import { processAvatar, processResume, safeResumeName } from './process-upload.js';

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('avatar processing', () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`accepts a real ${format.toUpperCase()} and re-encodes it as a 256x256 WebP`, async () => {
      const out = await processAvatar(await image(format, 800, 600));
      expect(out.contentType).toBe('image/webp');
      const meta = await sharp(out.bytes).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    });
  }

  it('strips metadata (EXIF) from the stored avatar', async () => {
    const input = await image('jpeg', 300, 300, true);
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const out = await processAvatar(input);
    const meta = await sharp(out.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(Buffer.from(out.bytes).includes('Secret Location')).toBe(false);
  });

  it('refuses a PDF sent as an avatar (type by magic bytes)', async () => {
    const err = await refusal(processAvatar(pdf()));
    expect(err.code).toBe('UPLOAD_TYPE_REFUSED');
    expect(err.message).toMatch(/PDF file \(application\/pdf\); send a PNG, JPEG or WebP image/);
  });

  it('refuses an SVG image (scripts can live in one)', async () => {
    const err = await refusal(processAvatar(SVG));
    expect(err.code).toBe('UPLOAD_TYPE_REFUSED');
  });

  it('refuses a GIF (not in the accepted list) though it is an image', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
      .gif()
      .toBuffer();
    expect((await refusal(processAvatar(gif))).code).toBe('UPLOAD_TYPE_REFUSED');
  });

  it('refuses a pixel bomb (a few hundred bytes declaring 400 megapixels) before decoding it', async () => {
    const bomb = pixelBomb(20_000, 20_000);
    expect(bomb.byteLength).toBeLessThan(2048);
    const err = await refusal(processAvatar(bomb));
    expect(err.code).toBe('IMAGE_TOO_MANY_PIXELS');
    expect(err.message).toContain('20000x20000');
  });

  it('refuses an image just past 40 megapixels (8000x5001)', async () => {
    expect((await refusal(processAvatar(pixelBomb(8000, 5001)))).code).toBe(
      'IMAGE_TOO_MANY_PIXELS',
    );
  });

  it('turns a PNG/HTML polyglot into a plain image: the appended script does not survive', async () => {
    const polyglot = Buffer.concat([await image('png', 64, 64), Buffer.from(HTML_PAYLOAD)]);
    const out = await processAvatar(polyglot);
    expect(Buffer.from(out.bytes).includes('<script')).toBe(false);
    expect((await sharp(out.bytes).metadata()).format).toBe('webp');
  });

  it('refuses a file with a PNG signature and a damaged body', async () => {
    const png = await image('png', 64, 64);
    const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]);
    expect((await refusal(processAvatar(broken))).code).toBe('UPLOAD_UNREADABLE');
  });
});

describe('resume processing', () => {
  it('accepts a PDF and keeps its bytes', async () => {
    const input = pdf();
    const out = await processResume(input);
    expect(out.contentType).toBe('application/pdf');
    expect(Buffer.from(out.bytes)).toEqual(input);
  });

  it('refuses a PNG sent as a resume (type by magic bytes)', async () => {
    const err = await refusal(processResume(await image('png')));
    expect(err.code).toBe('UPLOAD_TYPE_REFUSED');
    expect(err.message).toMatch(/PNG file \(image\/png\); send a PDF/);
  });

  it('refuses HTML and plain text', async () => {
    expect((await refusal(processResume(Buffer.from(HTML_PAYLOAD)))).code).toBe(
      'UPLOAD_TYPE_REFUSED',
    );
  });

  it('refuses a truncated PDF (no end-of-file marker)', async () => {
    const cut = pdf().subarray(0, 60);
    expect((await refusal(processResume(cut))).code).toBe('UPLOAD_UNREADABLE');
  });
});

describe('resume file names', () => {
  it('keeps safe characters, replaces the rest, and always ends in .pdf', () => {
    expect(safeResumeName('Ada Lovelace CV.PDF')).toBe('Ada_Lovelace_CV.pdf');
    expect(safeResumeName('../../etc/passwd')).toBe('etc_passwd.pdf');
    expect(safeResumeName('a"; filename=evil.html\r\nX: y')).toBe('a_filename_evil.html_X_y.pdf');
    expect(safeResumeName('Zoë.pdf')).toBe('Zoe.pdf');
    expect(safeResumeName(undefined)).toBe('resume.pdf');
    expect(safeResumeName('....')).toBe('resume.pdf');
  });
});
