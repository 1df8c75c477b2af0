import type { FunctionSignature } from '@tandem/protocol';
import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, withNewline, type LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'number',
  long: 'number',
  double: 'number',
  bool: 'boolean',
  string: 'string',
} as const;

function jsType(type: ValueType): string {
  return SCALARS[type.scalar] + '[]'.repeat(type.depth);
}

/**
 * Runs after the candidate's code, in the same file (so its lines keep their
 * numbers), in a function of its own so none of its names can clash.
 * `longs` are JavaScript numbers: exact up to 2^53.
 */
function driver(signature: FunctionSignature): string {
  const args = signature.params.map((_, i) => `args[${i}]`).join(', ');
  return `
;(function () {
  'use strict';
  var write = process.stdout.write.bind(process.stdout);
  console.log = console.info = console.debug = console.error;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  var args = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  var report = function (result) {
    write(${MARKER_LITERAL} + JSON.stringify(result) + '\\n');
  };
  var result = ${signature.name}(${args});
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    result.then(report);
  } else {
    report(result);
  }
})();
`;
}

function wrap(signature: FunctionSignature, source: string, mainFile: string) {
  return {
    files: [{ name: mainFile, content: withNewline(source) + driver(signature) }],
    compileAlso: [],
  };
}

export const javascript: LanguageHarness = {
  language: 'javascript',
  starter(signature) {
    const docs = signature.params.map((p) => ` * @param {${jsType(parseType(p.type))}} ${p.name}`);
    const params = signature.params.map((p) => p.name).join(', ');
    return `/**\n${docs.join('\n')}\n * @return {${jsType(parseType(signature.returns))}}\n */\nfunction ${signature.name}(${params}) {\n\n}\n`;
  },
  wrap,
};

export const typescript: LanguageHarness = {
  language: 'typescript',
  starter(signature) {
    const params = signature.params
      .map((p) => `${p.name}: ${jsType(parseType(p.type))}`)
      .join(', ');
    return `function ${signature.name}(${params}): ${jsType(parseType(signature.returns))} {\n\n}\n`;
  },
  wrap,
};
