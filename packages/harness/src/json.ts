/**
 * A JSON reader that keeps each number's text, so a 64-bit integer a program
 * returned is compared exactly (JavaScript numbers would round it past 2^53),
 * and the canonical writer used to show values.
 */
export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };

export class JsonNumber {
  constructor(readonly text: string) {}
}

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export function parseJson(text: string): Json {
  let at = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${at}`);
  };
  const skip = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at] as string)) at++;
  };
  const value = (depth: number): Json => {
    if (depth > 64) fail('nested too deep');
    skip();
    const c = text[at];
    if (c === '[') {
      at++;
      const items: Json[] = [];
      skip();
      if (text[at] === ']') {
        at++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return items;
        } else fail('expected , or ]');
      }
    }
    if (c === '{') {
      at++;
      const object: { [key: string]: Json } = {};
      skip();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') fail('expected a key');
        const key = string();
        skip();
        if (text[at] !== ':') fail('expected :');
        at++;
        object[key] = value(depth + 1);
        skip();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return object;
        } else fail('expected , or }');
      }
    }
    if (c === '"') return string();
    for (const [word, result] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) return fail('expected a value');
    at += match[0].length;
    return new JsonNumber(match[0]);
  };
  const string = (): string => {
    at++;
    let out = '';
    for (;;) {
      const c = text[at++];
      if (c === undefined) return fail('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at++] ?? '';
      if (e === 'u') {
        const hex = text.slice(at, at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        at += 4;
      } else if (e in ESCAPES) out += ESCAPES[e];
      else fail('bad escape');
    }
  };
  const result = value(0);
  skip();
  if (at !== text.length) fail('unexpected text after the value');
  return result;
}

/** Compact JSON, numbers as written (doubles re-read and written the shortest way). */
export function formatJson(value: Json): string {
  if (value instanceof JsonNumber) {
    if (/^-?\d+$/.test(value.text)) return value.text;
    return JSON.stringify(Number(value.text));
  }
  if (Array.isArray(value)) return `[${value.map(formatJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${formatJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
