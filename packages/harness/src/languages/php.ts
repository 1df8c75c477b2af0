import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, type LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'int',
  long: 'int',
  double: 'float',
  bool: 'bool',
  string: 'string',
} as const;

function phpType(type: ValueType): string {
  return type.depth > 0 ? 'array' : SCALARS[type.scalar];
}

function placeholder(type: ValueType): string {
  if (type.depth > 0) return '[]';
  return { int: '0', long: '0', double: '0.0', bool: 'false', string: "''" }[type.scalar];
}

/** The candidate's code is `solution.php`; `main.php` requires it, so errors name its lines. */
export const php: LanguageHarness = {
  language: 'php',
  starter(signature) {
    const params = signature.params
      .map((p) => `${phpType(parseType(p.type))} $${p.name}`)
      .join(', ');
    const returns = parseType(signature.returns);
    return `<?php\n\nfunction ${signature.name}(${params}): ${phpType(returns)}\n{\n    return ${placeholder(returns)};\n}\n`;
  },
  wrap(signature, source, mainFile) {
    const args = signature.params.map((p, i) => {
      const type = parseType(p.type);
      return type.scalar === 'double' ? `tandem_float($args[${i}], ${type.depth})` : `$args[${i}]`;
    });
    const returns = parseType(signature.returns);
    const driver = `<?php
// What the program echoes goes to stderr; the result is written to STDOUT itself.
ob_start(function ($chunk) { fwrite(STDERR, $chunk); return ''; }, 1);

function tandem_float($value, $depth) {
    return $depth === 0 ? (float) $value : array_map(fn ($v) => tandem_float($v, $depth - 1), $value);
}
function tandem_list($value, $depth) {
    return $depth === 0 || !is_array($value) ? $value : array_map(fn ($v) => tandem_list($v, $depth - 1), array_values($value));
}

$args = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
require __DIR__ . '/solution.php';
$result = tandem_list(${signature.name}(${args.join(', ')}), ${returns.depth});
ob_end_flush();
fwrite(STDOUT, ${MARKER_LITERAL} . json_encode($result, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION) . "\\n");
`;
    return {
      files: [
        { name: mainFile, content: driver },
        { name: 'solution.php', content: source },
      ],
      compileAlso: [],
    };
  },
};
