/**
 * fast-check arbitraries for hostile HTTP requests: any route of the API
 * (taken from its own OpenAPI description) with its path parameters, query
 * string, headers and body valid, broken or foreign, sent as raw bytes so
 * that Content-Length and Transfer-Encoding can lie.
 */
import fc from 'fast-check';
import { LANGUAGE_IDS } from '@tandem/protocol';
import { id22, interviewCommand, roomCommand, runStart, scorecard } from './frame-arbitraries.js';
import { broken, deeplyNested, edgyString, hugeString, junk } from './value-arbitraries.js';

export interface Route {
  method: string;
  /** OpenAPI style: `/api/rooms/{id}`. */
  path: string;
}

/** Real ids and credentials of the node under test, so that valid requests reach deep. */
export interface Known {
  origin: string;
  roomIds: string[];
  userIds: string[];
  runIds: string[];
  accessToken: string;
  guestToken: string;
  inviteKeys: string[];
}

export type BodyLie = 'none' | 'longer' | 'shorter' | 'both-headers' | 'bad-chunks' | 'bad-length';

export interface HostileRequest {
  route: Route;
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
  lie: BodyLie;
}

/** Percent-encodes every byte of the string's UTF-8 (lone surrogates too, which encodeURIComponent refuses). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

const email = fc.oneof(
  fc.emailAddress(),
  edgyString,
  fc.constantFrom('a@b', 'ADA@EXAMPLE.COM', `${'x'.repeat(250)}@example.com`),
);
const password = fc.oneof(
  fc.string({ minLength: 8, maxLength: 40 }),
  edgyString,
  fc.constantFrom('password', '12345678'),
  hugeString,
);
const code = fc.oneof(
  fc.stringMatching(/^\d{6}$/),
  fc.stringMatching(/^[a-z0-9]{5}-[a-z0-9]{5}$/),
  edgyString,
);

function validBody(route: Route, known: Known): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...known.inviteKeys), id22, edgyString);
  const name = fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), edgyString, hugeString);
  const bodies: Record<string, fc.Arbitrary<unknown>> = {
    'POST /api/rooms': broken(
      fc.record(
        { title: name, language: fc.oneof(fc.constantFrom(...LANGUAGE_IDS), edgyString) },
        { requiredKeys: ['title'] },
      ),
    ),
    'POST /api/rooms/{id}/runs': runStart,
    'POST /api/auth/signup': broken(fc.record({ email, password, displayName: name })),
    'POST /api/auth/signin': broken(
      fc.record({ email, password, code }, { requiredKeys: ['email', 'password'] }),
    ),
    'PUT /api/me/settings': broken(
      fc.record({
        displayName: name,
        preferredLanguage: fc.oneof(
          fc.constantFrom(...LANGUAGE_IDS),
          fc.constant(null),
          edgyString,
        ),
        editor: broken(
          fc.record({
            fontSize: fc.oneof(fc.integer({ min: 10, max: 32 }), fc.integer(), fc.double()),
            tabSize: fc.constantFrom(2, 4, 8, 3, -1),
            lineWrapping: fc.oneof(fc.boolean(), junk),
          }),
        ),
      }),
    ),
    'POST /api/me/2fa/confirm': broken(fc.record({ code })),
    'POST /api/me/2fa/disable': broken(fc.record({ code })),
    'POST /api/interviews': broken(
      fc.record(
        {
          title: name,
          language: fc.constantFrom(...LANGUAGE_IDS),
          problemId: fc.constantFrom('two-sum', 'nope', ''),
        },
        { requiredKeys: ['title'] },
      ),
    ),
    'POST /api/interviews/{id}/staff': broken(fc.record({ key })),
    'POST /api/interviews/{id}/lobby': broken(
      fc.record(
        { key, name, email: fc.oneof(email, fc.constant('')) },
        { requiredKeys: ['key', 'name'] },
      ),
    ),
    'POST /api/interviews/{id}/commands': interviewCommand(false),
    'PUT /api/interviews/{id}/scorecard': scorecard,
  };
  return bodies[`${route.method} ${route.path}`] ?? fc.oneof(junk, roomCommand);
}

/** A body as bytes: JSON of a (broken) valid body, JSON of anything, JSON that is not, other formats. */
function bodyBytes(route: Route, known: Known): fc.Arbitrary<{ body: Buffer; type: string }> {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? '');
  const asJson = (a: fc.Arbitrary<unknown>) =>
    a.map((v) => ({ body: json(v), type: 'application/json' }));
  const notJson = fc
    .tuple(
      validBody(route, known),
      fc.constantFrom(
        'truncate',
        'trailing',
        'single-quotes',
        'nan',
        'comma',
        'bom',
        'utf16',
        'lone-surrogate',
        'nul',
      ),
      fc.nat(),
    )
    .map(([v, how, n]) => {
      const text = JSON.stringify(v) ?? '{}';
      const variants: Record<string, Buffer> = {
        truncate: Buffer.from(text.slice(0, n % Math.max(1, text.length))),
        trailing: Buffer.from(`${text} }{ garbage`),
        'single-quotes': Buffer.from(text.replaceAll('"', "'")),
        nan: Buffer.from('{"title": NaN, "language": Infinity}'),
        comma: Buffer.from('{"title": "x",}'),
        bom: Buffer.from(`\ufeff${text}`),
        utf16: Buffer.from(text, 'utf16le'),
        'lone-surrogate': Buffer.from('{"title": "\\ud800", "name": "\\udfff", "key": "\\ud83d"}'),
        nul: Buffer.from('{"title": "a\\u0000b", "name": "\\u0000", "displayName": "x\\u0000"}'),
      };
      return { body: variants[how]!, type: 'application/json' };
    });
  const deepJson = fc.integer({ min: 5_000, max: 200_000 }).map((n) => ({
    body: Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`),
    type: 'application/json',
  }));
  const other = fc.oneof(
    fc
      .uint8Array({ maxLength: 256 })
      .map((b) => ({ body: Buffer.from(b), type: 'application/octet-stream' })),
    edgyString.map((s) => ({
      body: Buffer.from(`title=${percentEncode(s)}&x=1`),
      type: 'application/x-www-form-urlencoded',
    })),
    fc.tuple(edgyString, fc.uint8Array({ maxLength: 128 })).map(([name, bytes]) => ({
      body: Buffer.concat([
        Buffer.from(
          `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        Buffer.from(bytes),
        Buffer.from('\r\n--XyZ--\r\n'),
      ]),
      type: 'multipart/form-data; boundary=XyZ',
    })),
    fc
      .uint8Array({ maxLength: 128 })
      .map((b) => ({ body: Buffer.from(b), type: 'multipart/form-data; boundary=' })),
    // Just over the default body limit of 1 MiB.
    fc.constant({ body: Buffer.alloc(1024 * 1024 + 10, 0x61), type: 'application/json' }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: asJson(validBody(route, known)) },
    { weight: 2, arbitrary: asJson(fc.oneof(junk, deeplyNested)) },
    { weight: 3, arbitrary: notJson },
    { weight: 1, arbitrary: deepJson },
    { weight: 2, arbitrary: other },
    { weight: 1, arbitrary: fc.constant({ body: Buffer.alloc(0), type: 'application/json' }) },
  );
}

function paramValue(name: string, known: Known): fc.Arbitrary<string> {
  const real: Record<string, string[]> = {
    id: [...known.roomIds, ...known.userIds, ...known.runIds],
    provider: ['github', 'google', 'oidc'],
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(real[name] ?? ['x'])) },
    { weight: 1, arbitrary: id22 },
    { weight: 2, arbitrary: edgyString.map(percentEncode) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..%2F..%2Fetc%2Fpasswd',
        '%00',
        '%E0%A4%A',
        '%',
        '%ZZ',
        '%C0%AE%C0%AE',
        '..',
        '.',
        '%2e%2e',
        'a;b=c',
        '%F0%9F%98%80',
        'x'.repeat(10_000),
        'é',
      ),
    },
  );
}

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?wait=false',
      '?wait=true&wait=false',
      '?wait=',
      '?wait[]=1',
      '?wait[a]=1',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(edgyString, edgyString), { minLength: 1, maxLength: 4 })
      .map(
        (pairs) => `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '?%',
      '?a=%E0%A4%A',
      '?__proto__[x]=1',
      '?constructor[prototype][x]=1',
      `?q=${'z'.repeat(20_000)}`,
      '?code=x&state=y&error=z',
    ),
  },
);

export function hostileRequest(routes: Route[], known: Known): fc.Arbitrary<HostileRequest> {
  const withRoute = fc.constantFrom(...routes).chain((route) => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    return fc.record({
      route: fc.constant(route),
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'GET',
            'POST',
            'PUT',
            'DELETE',
            'PATCH',
            'HEAD',
            'OPTIONS',
            'PROPFIND',
          ),
        },
      ),
      params: fc.tuple(...names.map((n) => paramValue(n, known))),
      query,
      payload: bodyBytes(route, known),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant<string | null>(null) },
        {
          weight: 1,
          arbitrary: fc.constantFrom<string | null>(
            'text/plain',
            'application/json; charset=utf-16',
            'application/json; charset=latin1',
            'application/xml',
            'application/json, text/html',
            'APPLICATION/JSON',
            '',
            ';;;',
            'multipart/form-data',
            'application/x-www-form-urlencoded',
            'application/json\u00e9',
          ),
        },
        { weight: 1, arbitrary: fc.constant<string | null>('none') },
      ),
      auth: fc.constantFrom(
        'none',
        'none',
        'bearer',
        'bearer',
        'junk-bearer',
        'basic',
        'guest',
        'junk-guest',
        'cookie',
      ),
      origin: fc.constantFrom('none', 'none', 'none', 'self', 'evil', 'junk'),
      csrf: fc.boolean(),
      lie: fc.oneof(
        { weight: 12, arbitrary: fc.constant<BodyLie>('none') },
        {
          weight: 1,
          arbitrary: fc.constantFrom<BodyLie>(
            'longer',
            'shorter',
            'both-headers',
            'bad-chunks',
            'bad-length',
          ),
        },
      ),
    });
  });
  return withRoute.map((r) => {
    let i = 0;
    const path = r.route.path.replace(/\{(\w+)\}/g, () => r.params[i++]!);
    const headers: [string, string][] = [
      ['host', new URL(known.origin).host],
      ['connection', 'close'],
    ];
    const type = r.contentType === null ? r.payload.type : r.contentType;
    if (type !== 'none') headers.push(['content-type', type]);
    const auth: Record<string, [string, string] | null> = {
      none: null,
      bearer: ['authorization', `Bearer ${known.accessToken}`],
      'junk-bearer': ['authorization', `Bearer ${known.accessToken.slice(0, -4)}AAAA`],
      basic: ['authorization', 'Basic YTpi'],
      guest: ['tandem-guest', known.guestToken],
      'junk-guest': ['tandem-guest', 'x'.repeat(43)],
      cookie: [
        'cookie',
        'tandem_refresh=forged.token; tandem_oauth_flow=s%3Aforged.sig; __proto__=1',
      ],
    };
    if (auth[r.auth]) headers.push(auth[r.auth]!);
    const origins: Record<string, string | null> = {
      none: null,
      self: known.origin,
      evil: 'https://evil.example',
      junk: 'null',
    };
    if (origins[r.origin]) headers.push(['origin', origins[r.origin]!]);
    if (r.csrf) headers.push(['x-tandem-request', '1']);
    const hasBody = r.method !== 'GET' && r.method !== 'HEAD';
    return {
      route: r.route,
      method: r.method,
      target: `${path}${r.query}`,
      headers,
      body: hasBody ? r.payload.body : Buffer.alloc(0),
      lie: hasBody ? r.lie : 'none',
    };
  });
}

/** The request as bytes on the wire, lies included. */
export function encodeRequest(req: HostileRequest): Buffer {
  const head = [
    `${req.method} ${req.target} HTTP/1.1`,
    ...req.headers.map(([k, v]) => `${k}: ${v}`),
  ];
  const n = req.body.length;
  let body = req.body;
  switch (req.lie) {
    case 'none':
      if (n > 0 || req.method === 'POST' || req.method === 'PUT') head.push(`content-length: ${n}`);
      break;
    case 'longer':
      head.push(`content-length: ${n + 1 + (n % 50)}`);
      break;
    case 'shorter':
      head.push(`content-length: ${Math.floor(n / 2)}`);
      break;
    case 'both-headers':
      head.push(`content-length: ${n}`, 'transfer-encoding: chunked');
      break;
    case 'bad-chunks':
      head.push('transfer-encoding: chunked');
      body = Buffer.concat([Buffer.from(`zz\r\n`), req.body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'bad-length':
      head.push(`content-length: -${n}`, `content-length: ${n}`);
      break;
  }
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
