import { parseType, type ValueType } from '../types.js';
import { MARKER_LITERAL, type LanguageHarness } from './harness.js';

const SCALARS = {
  int: 'Integer',
  long: 'Integer',
  double: 'Float',
  bool: 'Boolean',
  string: 'String',
} as const;

function rubyType(type: ValueType): string {
  return SCALARS[type.scalar] + '[]'.repeat(type.depth);
}

/** The candidate's code is `solution.rb`; `main.rb` requires it, so backtraces name its lines. */
export const ruby: LanguageHarness = {
  language: 'ruby',
  starter(signature) {
    const docs = signature.params.map((p) => `# @param {${rubyType(parseType(p.type))}} ${p.name}`);
    const params = signature.params.map((p) => p.name).join(', ');
    return `${docs.join('\n')}\n# @return {${rubyType(parseType(signature.returns))}}\ndef ${signature.name}(${params})\nend\n`;
  },
  wrap(signature, source, mainFile) {
    const args = signature.params.map((p, i) => {
      const type = parseType(p.type);
      return type.scalar === 'double' ? `tandem_float(args[${i}], ${type.depth})` : `args[${i}]`;
    });
    const driver = `require 'json'

tandem_out = $stdout
$stdout = $stderr

def tandem_float(value, depth)
  depth.zero? ? Float(value) : value.map { |v| tandem_float(v, depth - 1) }
end

args = JSON.parse($stdin.read)
require_relative 'solution'
result = send(:${signature.name}, ${args.join(', ')})
tandem_out.write(${MARKER_LITERAL} + JSON.generate(result) + "\\n")
tandem_out.flush
`;
    return {
      files: [
        { name: mainFile, content: driver },
        { name: 'solution.rb', content: source },
      ],
      compileAlso: [],
    };
  },
};
