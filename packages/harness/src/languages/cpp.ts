import type { FunctionSignature } from '@tandem/protocol';
import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, withNewline, type LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'int',
  long: 'long long',
  double: 'double',
  bool: 'bool',
  string: 'string',
} as const;

function cppType(type: ValueType): string {
  let name: string = SCALARS[type.scalar];
  for (let i = 0; i < type.depth; i++) name = `vector<${name}>`;
  return name;
}

/** Arrays by reference, as LeetCode writes them; the driver passes lvalues, so either works. */
function paramType(type: ValueType): string {
  return type.depth > 0 ? `${cppType(type)}&` : cppType(type);
}

/**
 * What LeetCode-style code expects without including it. Not <bits/stdc++.h>:
 * it takes about twice as long to compile, and every judged run compiles.
 */
const PRELUDE = `${[
  'algorithm',
  'climits',
  'cmath',
  'cstdio',
  'cstring',
  'deque',
  'functional',
  'iostream',
  'map',
  'numeric',
  'queue',
  'set',
  'stack',
  'stdexcept',
  'string',
  'unordered_map',
  'unordered_set',
  'utility',
  'vector',
]
  .map((header) => `#include <${header}>\n`)
  .join('')}#include <unistd.h>
using namespace std;
`;

/** A JSON reader and writer for the signature's types, in a namespace of its own. */
const DRIVER_LIB = String.raw`namespace tandem {
struct Value {
  char kind = 'n'; // n(ull) b(ool) d(igits) s(tring) a(rray)
  bool flag = false;
  string text;
  vector<Value> items;
};
struct Reader {
  const string& in;
  size_t at = 0;
  void skip() { while (at < in.size() && isspace((unsigned char)in[at])) at++; }
  [[noreturn]] void fail() { throw runtime_error("the driver could not read the arguments"); }
  void utf8(string& out, unsigned cp) {
    if (cp < 0x80) out += char(cp);
    else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
    else { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
  }
  Value read() {
    skip();
    Value v;
    if (at >= in.size()) fail();
    char c = in[at];
    if (c == '[') {
      v.kind = 'a'; at++; skip();
      if (at < in.size() && in[at] == ']') { at++; return v; }
      for (;;) {
        v.items.push_back(read()); skip();
        if (at < in.size() && in[at] == ',') { at++; continue; }
        if (at < in.size() && in[at] == ']') { at++; return v; }
        fail();
      }
    }
    if (c == '"') {
      v.kind = 's'; at++;
      while (at < in.size() && in[at] != '"') {
        char ch = in[at++];
        if (ch != '\\') { v.text += ch; continue; }
        if (at >= in.size()) fail();
        char e = in[at++];
        switch (e) {
          case 'n': v.text += '\n'; break;
          case 't': v.text += '\t'; break;
          case 'r': v.text += '\r'; break;
          case 'b': v.text += '\b'; break;
          case 'f': v.text += '\f'; break;
          case 'u': utf8(v.text, (unsigned)stoul(in.substr(at, 4), nullptr, 16)); at += 4; break;
          default: v.text += e;
        }
      }
      at++;
      return v;
    }
    if (in.compare(at, 4, "true") == 0) { v.kind = 'b'; v.flag = true; at += 4; return v; }
    if (in.compare(at, 5, "false") == 0) { v.kind = 'b'; at += 5; return v; }
    if (in.compare(at, 4, "null") == 0) { at += 4; return v; }
    v.kind = 'd';
    while (at < in.size() && strchr("+-.eE0123456789", in[at])) v.text += in[at++];
    if (v.text.empty()) fail();
    return v;
  }
};
inline void from(const Value& v, int& out) { out = (int)stoll(v.text); }
inline void from(const Value& v, long long& out) { out = stoll(v.text); }
inline void from(const Value& v, double& out) { out = stod(v.text); }
inline void from(const Value& v, bool& out) { out = v.flag; }
inline void from(const Value& v, string& out) { out = v.text; }
template <class T> void from(const Value& v, vector<T>& out) {
  for (const Value& item : v.items) { T x; from(item, x); out.push_back(x); }
}
inline void put(string& o, int x) { o += to_string(x); }
inline void put(string& o, long x) { o += to_string(x); }
inline void put(string& o, long long x) { o += to_string(x); }
inline void put(string& o, unsigned x) { o += to_string(x); }
inline void put(string& o, size_t x) { o += to_string(x); }
inline void put(string& o, bool x) { o += x ? "true" : "false"; }
inline void put(string& o, char x) { o += to_string((int)x); }
inline void put(string& o, double x) {
  if (!isfinite(x)) { o += "null"; return; }
  char buf[32]; snprintf(buf, sizeof buf, "%.17g", x); o += buf;
}
inline void put(string& o, float x) { put(o, (double)x); }
inline void put(string& o, const string& s) {
  o += '"';
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') { o += '\\'; o += (char)ch; }
    else if (ch < 0x20) { char buf[8]; snprintf(buf, sizeof buf, "\\u%04x", ch); o += buf; }
    else o += (char)ch;
  }
  o += '"';
}
inline void put(string& o, const char* s) { put(o, string(s)); }
template <class T> void put(string& o, const vector<T>& xs) {
  o += '[';
  bool first = true;
  for (auto&& x : xs) { if (!first) o += ','; first = false; put(o, static_cast<T>(x)); }
  o += ']';
}
}  // namespace tandem
`;

function driver(signature: FunctionSignature): string {
  const lines: string[] = [];
  signature.params.forEach((p, i) => {
    lines.push(`  ${cppType(parseType(p.type))} a${i};`);
    lines.push(`  tandem::from(args.items.at(${i}), a${i});`);
  });
  const call = signature.params.map((_, i) => `a${i}`).join(', ');
  return `${DRIVER_LIB}
int main() {
  int tandem_out = dup(1);
  dup2(2, 1);
  string input((istreambuf_iterator<char>(cin)), istreambuf_iterator<char>());
  tandem::Reader reader{input};
  tandem::Value args = reader.read();
${lines.join('\n')}
  auto result = ${signature.name}(${call});
  string text = ${MARKER_LITERAL};
  tandem::put(text, result);
  text += '\\n';
  cout.flush();
  fflush(stdout);
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(tandem_out, text.data() + done, text.size() - done);
    if (n <= 0) return 1;
    done += (size_t)n;
  }
  return 0;
}
`;
}

/** One file: the includes, the candidate's code from line 1 (`#line`), then the driver. */
export const cpp: LanguageHarness = {
  language: 'cpp',
  starter(signature) {
    const params = signature.params
      .map((p) => `${paramType(parseType(p.type))} ${p.name}`)
      .join(', ');
    return `#include <string>\n#include <vector>\nusing namespace std;\n\n${cppType(parseType(signature.returns))} ${signature.name}(${params}) {\n    return {};\n}\n`;
  },
  wrap(signature, source, mainFile) {
    const content = `${PRELUDE}#line 1 "${mainFile}"\n${withNewline(source)}#line 1 "tandem-driver.cpp"\n${driver(signature)}`;
    return { files: [{ name: mainFile, content }], compileAlso: [] };
  },
};
