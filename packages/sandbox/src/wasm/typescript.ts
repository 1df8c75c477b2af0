import { transform } from 'esbuild';

export type Stripped = { ok: true; code: string } | { ok: false; diagnostics: string };

/**
 * TypeScript to JavaScript for QuickJS, the way the bubblewrap backend builds
 * it (esbuild, CommonJS, no type check): `import` becomes `require`, which the
 * QuickJS prelude answers. esbuild parses in its own process, so a hostile
 * source cannot stall this thread; it never runs the code.
 */
export async function stripTypes(source: string, filename: string): Promise<Stripped> {
  try {
    const result = await transform(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'es2022',
      sourcefile: filename,
      logLevel: 'silent',
    });
    return { ok: true, code: result.code };
  } catch (err) {
    const errors = (err as { errors?: EsbuildMessage[] }).errors;
    if (!errors) throw err;
    return { ok: false, diagnostics: errors.map(formatMessage).join('\n') + '\n' };
  }
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText: string } | null;
}

function formatMessage({ text, location }: EsbuildMessage): string {
  if (!location) return `error: ${text}`;
  const { file, line, column, lineText } = location;
  return `${file}:${line}:${column + 1}: error: ${text}\n    ${lineText}\n    ${' '.repeat(column)}^`;
}
