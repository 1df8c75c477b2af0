import type { FunctionSignature } from '@tandem/protocol';
import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, type LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'int',
  long: 'int64',
  double: 'float64',
  bool: 'bool',
  string: 'string',
} as const;

function goType(type: ValueType): string {
  return '[]'.repeat(type.depth) + SCALARS[type.scalar];
}

function zeroValue(type: ValueType): string {
  if (type.depth > 0) return 'nil';
  return type.scalar === 'string' ? '""' : type.scalar === 'bool' ? 'false' : '0';
}

function driver(signature: FunctionSignature): string {
  const params = signature.params
    .map(
      (p, i) =>
        `\tvar a${i} ${goType(parseType(p.type))}\n\ttandemMust(json.Unmarshal(args[${i}], &a${i}))`,
    )
    .join('\n');
  const call = signature.params.map((_, i) => `a${i}`).join(', ');
  return `package main

// The driver: reads the arguments (JSON on stdin), calls ${signature.name}, prints the result.

import (
\t"encoding/json"
\t"io"
\t"os"
\t"reflect"
\t"strconv"
)

func tandemMust(err error) {
\tif err != nil {
\t\tpanic("the driver could not read the arguments: " + err.Error())
\t}
}

func tandemAppend(b []byte, v reflect.Value) []byte {
\tswitch v.Kind() {
\tcase reflect.Slice, reflect.Array:
\t\tb = append(b, '[')
\t\tfor i := 0; i < v.Len(); i++ {
\t\t\tif i > 0 {
\t\t\t\tb = append(b, ',')
\t\t\t}
\t\t\tb = tandemAppend(b, v.Index(i))
\t\t}
\t\treturn append(b, ']')
\tcase reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
\t\treturn strconv.AppendInt(b, v.Int(), 10)
\tcase reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
\t\treturn strconv.AppendUint(b, v.Uint(), 10)
\tcase reflect.Float32, reflect.Float64:
\t\treturn strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
\tcase reflect.Bool:
\t\treturn strconv.AppendBool(b, v.Bool())
\tcase reflect.String:
\t\ts, _ := json.Marshal(v.String())
\t\treturn append(b, s...)
\tcase reflect.Interface, reflect.Pointer:
\t\tif v.IsNil() {
\t\t\treturn append(b, "null"...)
\t\t}
\t\treturn tandemAppend(b, v.Elem())
\t}
\treturn append(b, "null"...)
}

func main() {
\tout := os.Stdout
\tos.Stdout = os.Stderr
\tinput, err := io.ReadAll(os.Stdin)
\ttandemMust(err)
\tvar args []json.RawMessage
\ttandemMust(json.Unmarshal(input, &args))
${params}
\tresult := ${signature.name}(${call})
\ttext := tandemAppend([]byte(${MARKER_LITERAL}), reflect.ValueOf(result))
\tout.Write(append(text, '\\n'))
}
`;
}

/** The candidate's code is `main.go` (package main, no func main); the driver is `harness.go`. */
export const go: LanguageHarness = {
  language: 'go',
  starter(signature) {
    const params = signature.params.map((p) => `${p.name} ${goType(parseType(p.type))}`).join(', ');
    const returns = parseType(signature.returns);
    return `package main\n\nfunc ${signature.name}(${params}) ${goType(returns)} {\n\treturn ${zeroValue(returns)}\n}\n`;
  },
  wrap(signature, source, mainFile) {
    return {
      files: [
        { name: mainFile, content: source },
        { name: 'harness.go', content: driver(signature) },
      ],
      compileAlso: ['harness.go'],
    };
  },
};
