import type { FunctionSignature } from '@tandem/protocol';
import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, type LanguageHarness } from './harness.js';

const SCALARS = { int: 'int', long: 'int', double: 'float', bool: 'bool', string: 'str' } as const;

function pythonType(type: ValueType): string {
  let name: string = SCALARS[type.scalar];
  for (let i = 0; i < type.depth; i++) name = `list[${name}]`;
  return name;
}

/** The candidate's code is `solution.py`; `main.py` imports it, so tracebacks name their lines. */
export const python: LanguageHarness = {
  language: 'python',
  starter(signature: FunctionSignature) {
    const params = signature.params
      .map((p) => `${p.name}: ${pythonType(parseType(p.type))}`)
      .join(', ');
    return `def ${signature.name}(${params}) -> ${pythonType(parseType(signature.returns))}:\n    pass\n`;
  },
  wrap(signature, source, mainFile) {
    const args = signature.params.map((p, i) => {
      const type = parseType(p.type);
      return type.scalar === 'double'
        ? `_tandem_float(_tandem_args[${i}], ${type.depth})`
        : `_tandem_args[${i}]`;
    });
    const driver = `import json as _tandem_json
import sys as _tandem_sys

_tandem_out = _tandem_sys.stdout
_tandem_sys.stdout = _tandem_sys.stderr


def _tandem_float(value, depth):
    return float(value) if depth == 0 else [_tandem_float(v, depth - 1) for v in value]


_tandem_args = _tandem_json.loads(_tandem_sys.stdin.read())
import solution as _tandem_solution

_tandem_result = _tandem_solution.${signature.name}(${args.join(', ')})
_tandem_out.write(${MARKER_LITERAL} + _tandem_json.dumps(_tandem_result, separators=(",", ":"), ensure_ascii=False) + "\\n")
_tandem_out.flush()
`;
    return {
      files: [
        { name: mainFile, content: driver },
        { name: 'solution.py', content: source },
      ],
      compileAlso: [],
    };
  },
};
