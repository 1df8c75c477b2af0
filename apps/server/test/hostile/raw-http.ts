/**
 * HTTP/1.1 over a bare TCP socket, so a test can send what no HTTP client
 * would: a Content-Length that lies, broken chunking, bytes that are not a
 * request line. Reads every response the server writes until it closes.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResult {
  responses: RawResponse[];
  /** The server closed (or we gave up) with bytes left that are not a whole response. */
  leftover: number;
  /** Nothing came back before `waitMs` (expected only when the request is incomplete). */
  timedOut: boolean;
  /** The connection failed (refused, reset) rather than being closed after an answer. */
  error: string | null;
}

/**
 * Sends `request` and collects responses until the server closes, or `waitMs`
 * pass. `head`: the request is a HEAD, whose answers carry no body.
 */
export function rawRequest(
  port: number,
  request: Buffer,
  waitMs: number,
  head = false,
): Promise<RawResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let timedOut = false;
    const socket = net.connect({ port, host: '127.0.0.1' });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const { responses, leftover } = parseResponses(Buffer.concat(chunks), head);
      // A reset after a complete answer is how a server drops the rest of an unread body.
      const failed = error !== null && responses.length === 0 ? error : null;
      resolve({ responses, leftover, timedOut: timedOut && responses.length === 0, error: failed });
    });
    socket.write(request);
  });
}

function parseResponses(
  data: Buffer,
  head: boolean,
): { responses: RawResponse[]; leftover: number } {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
    if (!Number.isFinite(status)) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let bodyStart = end + 4;
    let body: Buffer;
    if (head) body = Buffer.alloc(0);
    else if (headers['transfer-encoding']?.includes('chunked')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart);
        if (lineEnd < 0) return { responses, leftover: data.length - at };
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16);
        bodyStart = lineEnd + 2;
        if (!Number.isFinite(size)) return { responses, leftover: data.length - at };
        if (size === 0) {
          bodyStart += 2;
          break;
        }
        parts.push(data.subarray(bodyStart, bodyStart + size));
        bodyStart += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (bodyStart + length > data.length) break;
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    responses.push({ status, headers, body });
    at = bodyStart;
  }
  return { responses, leftover: data.length - at };
}
