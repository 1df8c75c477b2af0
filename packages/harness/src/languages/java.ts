import type { FunctionSignature, ScalarType } from '@tandem/protocol';
import { parseType, type ValueType } from '../types.js';
import type { LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'int',
  long: 'long',
  double: 'double',
  bool: 'boolean',
  string: 'String',
} as const;

function javaType(type: ValueType): string {
  return SCALARS[type.scalar] + '[]'.repeat(type.depth);
}

/** The reader's value (Long, Double, String, Boolean, List) as a scalar of the signature. */
const SCALAR_READ: Record<ScalarType, string> = {
  int: '((Number) v).intValue()',
  long: '((Number) v).longValue()',
  double: '((Number) v).doubleValue()',
  bool: '(Boolean) v',
  string: '(String) v',
};

/** One `to_<type>` method per type the signature uses, each depth built on the one below. */
function converters(types: ValueType[]): string {
  const wanted = new Map<string, ValueType>();
  for (const type of types) {
    for (let depth = 0; depth <= type.depth; depth++) {
      const t = { scalar: type.scalar, depth };
      wanted.set(`${t.scalar}${depth}`, t);
    }
  }
  return [...wanted]
    .map(([key, type]) => {
      const java = javaType(type);
      if (type.depth === 0) {
        return `  static ${java} to_${key}(Object v) { return ${SCALAR_READ[type.scalar]}; }`;
      }
      const inner = `${type.scalar}${type.depth - 1}`;
      const make = `new ${SCALARS[type.scalar]}[l.size()]${'[]'.repeat(type.depth - 1)}`;
      return `  static ${java} to_${key}(Object v) {
    java.util.List<?> l = (java.util.List<?>) v;
    ${java} r = ${make};
    for (int i = 0; i < r.length; i++) r[i] = to_${inner}(l.get(i));
    return r;
  }`;
    })
    .join('\n');
}

/** A JSON reader and writer; no imports, so the candidate's own imports stay first in their file. */
const LIB = String.raw`  private final String in;
  private int at = 0;
  private Main(String in) { this.in = in; }
  private void skip() { while (at < in.length() && Character.isWhitespace(in.charAt(at))) at++; }
  private RuntimeException fail() { return new IllegalArgumentException("the driver could not read the arguments"); }
  private Object read() {
    skip();
    if (at >= in.length()) throw fail();
    char c = in.charAt(at);
    if (c == '[') {
      java.util.List<Object> items = new java.util.ArrayList<>();
      at++; skip();
      if (at < in.length() && in.charAt(at) == ']') { at++; return items; }
      for (;;) {
        items.add(read()); skip();
        if (at < in.length() && in.charAt(at) == ',') { at++; continue; }
        if (at < in.length() && in.charAt(at) == ']') { at++; return items; }
        throw fail();
      }
    }
    if (c == '"') {
      StringBuilder s = new StringBuilder();
      at++;
      while (in.charAt(at) != '"') {
        char ch = in.charAt(at++);
        if (ch != '\\') { s.append(ch); continue; }
        char e = in.charAt(at++);
        switch (e) {
          case 'n': s.append('\n'); break;
          case 't': s.append('\t'); break;
          case 'r': s.append('\r'); break;
          case 'b': s.append('\b'); break;
          case 'f': s.append('\f'); break;
          case 'u': s.append((char) Integer.parseInt(in.substring(at, at + 4), 16)); at += 4; break;
          default: s.append(e);
        }
      }
      at++;
      return s.toString();
    }
    if (in.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
    if (in.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
    if (in.startsWith("null", at)) { at += 4; return null; }
    int start = at;
    while (at < in.length() && "+-.eE0123456789".indexOf(in.charAt(at)) >= 0) at++;
    String number = in.substring(start, at);
    if (number.isEmpty()) throw fail();
    if (number.matches("-?\\d+")) return Long.parseLong(number);
    return Double.parseDouble(number);
  }
  static void write(StringBuilder o, Object v) {
    if (v == null) { o.append("null"); return; }
    if (v instanceof String) {
      String s = (String) v;
      o.append('"');
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"' || ch == '\\') o.append('\\').append(ch);
        else if (ch < 0x20) o.append(String.format("\\u%04x", (int) ch));
        else o.append(ch);
      }
      o.append('"');
      return;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      o.append(Double.isFinite(d) ? Double.toString(d) : "null");
      return;
    }
    if (v instanceof Number || v instanceof Boolean) { o.append(v); return; }
    if (v instanceof Character) { o.append((int) (Character) v); return; }
    if (v instanceof Iterable) {
      java.util.List<Object> items = new java.util.ArrayList<>();
      for (Object x : (Iterable<?>) v) items.add(x);
      v = items.toArray();
    }
    if (v.getClass().isArray()) {
      o.append('[');
      int n = java.lang.reflect.Array.getLength(v);
      for (int i = 0; i < n; i++) {
        if (i > 0) o.append(',');
        write(o, java.lang.reflect.Array.get(v, i));
      }
      o.append(']');
      return;
    }
    o.append('"').append(v).append('"');
  }
`;

function driver(signature: FunctionSignature): string {
  const types = [...signature.params.map((p) => parseType(p.type))];
  const params = signature.params
    .map((p, i) => {
      const type = parseType(p.type);
      return `    ${javaType(type)} a${i} = to_${type.scalar}${type.depth}(args.get(${i}));`;
    })
    .join('\n');
  const call = signature.params.map((_, i) => `a${i}`).join(', ');
  return `/** Reads the arguments (JSON on stdin), calls Solution.${signature.name}, prints the result. */
public class Main {
${LIB}
${converters(types)}

  public static void main(String[] argv) throws Exception {
    java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
    System.setOut(System.err);
    String input = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    java.util.List<?> args = (java.util.List<?>) new Main(input).read();
${params}
    Object result = new Solution().${signature.name}(${call});
    StringBuilder text = new StringBuilder("\\u001eTANDEM-RESULT ");
    write(text, result);
    text.append('\\n');
    out.print(text);
    out.flush();
  }
}
`;
}

/** The candidate's class is `Solution.java`, the driver `Main.java`; javac compiles both. */
export const java: LanguageHarness = {
  language: 'java',
  starter(signature) {
    const params = signature.params
      .map((p) => `${javaType(parseType(p.type))} ${p.name}`)
      .join(', ');
    const returns = parseType(signature.returns);
    const placeholder =
      returns.depth > 0 || returns.scalar === 'string'
        ? 'null'
        : returns.scalar === 'bool'
          ? 'false'
          : '0';
    return `class Solution {\n    public ${javaType(returns)} ${signature.name}(${params}) {\n        return ${placeholder};\n    }\n}\n`;
  },
  wrap(signature, source, mainFile) {
    return {
      files: [
        { name: mainFile, content: driver(signature) },
        { name: 'Solution.java', content: source },
      ],
      compileAlso: ['Solution.java'],
    };
  },
};
