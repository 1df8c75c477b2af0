import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir, type RunningServer } from './harness.js';

let server: RunningServer;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  const tmp = await tempDir();
  removeDir = tmp.remove;
  const web = path.join(tmp.dir, 'web');
  await mkdir(path.join(web, 'assets'), { recursive: true });
  await writeFile(path.join(web, 'index.html'), '<!doctype html><title>Tandem</title>');
  await writeFile(path.join(web, 'assets', 'app.js'), 'export {}');
  server = await startServer({ dataDir: tmp.dir, env: { WEB_DIR: web } });
});

afterAll(async () => {
  await server.stop();
  await removeDir();
});

const get = (url: string) => server.app.http.inject({ method: 'GET', url });

describe('HTTP surface', () => {
  it('healthz answers, and readyz reports the store', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ store: 'ok' });
  });

  it('serves the OpenAPI description with the room routes', async () => {
    const res = await get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    const spec = res.json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(spec.paths['/api/rooms'] ?? {})).toContain('post');
    expect(Object.keys(spec.paths['/api/rooms/{id}'] ?? {})).toContain('get');
  });

  it('serves the web app for app routes and its files as they are', async () => {
    for (const url of ['/', '/r/AAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<title>Tandem</title>');
    }
    const asset = await get('/assets/app.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('unknown API paths and files are JSON 404s, never the app', async () => {
    for (const url of ['/api/nope', '/assets/missing.js', '/../../etc/passwd']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });
});

describe('GET /api/rooms/:id', () => {
  it('answers the room as created, with links under the host each request was sent to, every time', async () => {
    const created = await server.app.http.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { host: 'first.example' },
      payload: { title: 'Pairs', language: 'go' },
    });
    expect(created.statusCode).toBe(201);
    const room = created.json<{ id: string; joinUrl: string }>();
    expect(room.joinUrl).toBe(`http://first.example/r/${room.id}`);
    // The same cached read serves each host; an answer made for one is never sent to another.
    for (const host of ['first.example', 'second.example', 'second.example', 'first.example']) {
      const res = await server.app.http.inject({
        method: 'GET',
        url: `/api/rooms/${room.id}`,
        headers: { host },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json()).toEqual({ ...room, joinUrl: `http://${host}/r/${room.id}` });
    }
    const head = await server.app.http.inject({ method: 'HEAD', url: `/api/rooms/${room.id}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});
