/**
 * Avatar and resume uploads over real HTTP (multipart streamed to a listening
 * server), named after the requirements: type by magic bytes, size and pixel
 * limits, safe serving headers, owner-only resume.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTML_PAYLOAD, SVG, image, pdf, pixelBomb } from '../src/uploads/upload-fixtures.js';
import { authClient } from './auth-client.js';
import { startServer, tempDir, type RunningServer } from './harness.js';

let server: RunningServer;
let remove: () => Promise<void>;
let token: string;
let accountId: string;

beforeAll(async () => {
  const tmp = await tempDir();
  remove = tmp.remove;
  server = await startServer({ dataDir: tmp.dir });
  const session = await authClient(server).signUp();
  token = session.accessToken;
  accountId = session.account.id;
});
afterAll(async () => {
  await server?.stop();
  await remove?.();
});

async function upload(
  route: 'avatar' | 'resume',
  bytes: Uint8Array,
  type: string,
  name: string,
  bearer: string | null = token,
) {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(bytes)], { type }), name);
  const response = await fetch(`${server.url}/api/me/${route}`, {
    method: 'PUT',
    body: form,
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('avatar upload', () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`a real ${format.toUpperCase()} is stored re-encoded and served as a 256x256 WebP with safe headers`, async () => {
      const res = await upload(
        'avatar',
        await image(format, 900, 500),
        `image/${format}`,
        `me.${format}`,
      );
      expect(res.status).toBe(200);
      const avatarUrl = res.body['avatarUrl'] as string;
      expect(avatarUrl).toMatch(new RegExp(`^/api/users/${accountId}/avatar\\?v=`));
      const served = await fetch(`${server.url}${avatarUrl}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-disposition')).toBe('inline; filename="avatar.webp"');
      expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    });
  }

  it('replacing the avatar deletes the old blob', async () => {
    await upload('avatar', await image('png', 100, 100), 'image/png', 'a.png');
    await upload('avatar', await image('png', 120, 100), 'image/png', 'b.png');
    const blobs = path.join(server.dataDir, 'blobs');
    const files = (await fs.readdir(blobs, { recursive: true, withFileTypes: true })).filter((f) =>
      f.isFile(),
    );
    const resumes = (await server.store.profileFiles.list(accountId)).length;
    expect(files).toHaveLength(resumes);
  });

  it('a PDF sent as image/png with a .png name is refused by its bytes (415)', async () => {
    const res = await upload('avatar', pdf(), 'image/png', 'avatar.png');
    expect(res.status).toBe(415);
    expect(res.body['code']).toBe('UPLOAD_TYPE_REFUSED');
  });

  it('an SVG is refused (415)', async () => {
    const res = await upload('avatar', SVG, 'image/svg+xml', 'a.svg');
    expect(res.status).toBe(415);
    expect(res.body['code']).toBe('UPLOAD_TYPE_REFUSED');
  });

  it('a pixel bomb (small file, 400 megapixels declared) is refused (422)', async () => {
    const res = await upload('avatar', pixelBomb(), 'image/png', 'bomb.png');
    expect(res.status).toBe(422);
    expect(res.body['code']).toBe('IMAGE_TOO_MANY_PIXELS');
  });

  it('a file over 5 MiB is refused with 413', async () => {
    const big = Buffer.concat([await image('png', 64, 64), Buffer.alloc(5 * 1024 * 1024)]);
    const res = await upload('avatar', big, 'image/png', 'big.png');
    expect(res.status).toBe(413);
    expect(res.body['code']).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body['message']).toContain('5 MiB');
  });

  it('an oversized upload without a length is cut off while streaming (413 before the body ends)', async () => {
    const boundary = 'tandemboundary';
    const { port } = new URL(server.url);
    const result = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0;
        const req = http.request({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/api/me/avatar',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'transfer-encoding': 'chunked',
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, sent });
            req.destroy();
          });
        });
        req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
        req.write(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`,
        );
        const chunk = Buffer.alloc(256 * 1024, 1);
        const pump = () => {
          // Up to 64 MiB: far more than the limit; the server must answer long before.
          while (sent < 64 * 1024 * 1024 && !req.destroyed) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
        };
        pump();
      },
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(result.sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a request without a file is refused (400 UPLOAD_MISSING)', async () => {
    const response = await fetch(`${server.url}/api/me/avatar`, {
      method: 'PUT',
      body: JSON.stringify({ file: 'x' }),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('UPLOAD_MISSING');
  });

  it('an upload without a signed-in account is refused (401)', async () => {
    const res = await upload('avatar', await image('png'), 'image/png', 'a.png', null);
    expect(res.status).toBe(401);
  });

  it('deleting the avatar makes it 404', async () => {
    const res = await upload('avatar', await image('png'), 'image/png', 'a.png');
    const del = await fetch(`${server.url}/api/me/avatar`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await del.json()) as { avatarUrl: unknown }).avatarUrl).toBeNull();
    expect((await fetch(`${server.url}${res.body['avatarUrl'] as string}`)).status).toBe(404);
  });
});

describe('resume upload', () => {
  it('a PDF is stored; the download is an attachment with a safe name, nosniff and a sandbox CSP', async () => {
    const bytes = pdf();
    const res = await upload('resume', bytes, 'application/pdf', 'Ada Lovelace CV.pdf');
    expect(res.status).toBe(200);
    expect(res.body['resume']).toMatchObject({
      fileName: 'Ada_Lovelace_CV.pdf',
      bytes: bytes.length,
    });
    const served = await fetch(`${server.url}/api/me/resume`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe(
      'attachment; filename="Ada_Lovelace_CV.pdf"',
    );
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(served.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
  });

  it('a PNG claiming to be a PDF (type and name) is refused by its bytes (415)', async () => {
    const res = await upload('resume', await image('png'), 'application/pdf', 'cv.pdf');
    expect(res.status).toBe(415);
    expect(res.body['code']).toBe('UPLOAD_TYPE_REFUSED');
  });

  it('a PDF/HTML polyglot is only ever served as a PDF attachment, never as a page', async () => {
    const res = await upload('resume', pdf(`% ${HTML_PAYLOAD}`), 'text/html', 'cv.html');
    expect(res.status).toBe(200);
    const served = await fetch(`${server.url}/api/me/resume`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe('attachment; filename="cv.html.pdf"');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('a resume over 10 MiB is refused with 413', async () => {
    const big = Buffer.concat([pdf(), Buffer.alloc(10 * 1024 * 1024)]);
    expect((await upload('resume', big, 'application/pdf', 'cv.pdf')).status).toBe(413);
  });

  it("the resume is the owner's only: no token is 401, another account sees its own (none: 404)", async () => {
    expect((await fetch(`${server.url}/api/me/resume`)).status).toBe(401);
    const other = await authClient(server).signUp();
    const theirs = await fetch(`${server.url}/api/me/resume`, {
      headers: { authorization: `Bearer ${other.accessToken}` },
    });
    expect(theirs.status).toBe(404);
  });
});
