import { transform } from 'esbuild';

export type Stripped =
  | {
      ok: true;
      code: string;
      /** The `mappings` of a source map from `code` back to the source, when they differ. */
      sourceMap?: string;
    }
  | { ok: false; diagnostics: string };

/**
 * What QuickJS cannot do itself: async functions are lowered to generators
 * behind `new Promise` (the prelude's Promise, which reports unhandled
 * rejections; QuickJS's own async functions reject without any hook).
 */
const LOWERED = { 'async-await': false, 'async-generator': false, 'for-await': false } as const;

/** Programs that need lowering say so: without `async` there is nothing to lower. */
const MAY_BE_ASYNC = /\basync\b/;

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
      supported: LOWERED,
      sourcemap: 'external',
      sourcefile: filename,
      logLevel: 'silent',
    });
    return { ok: true, code: result.code, sourceMap: mappingsOf(result.map) };
  } catch (err) {
    const errors = (err as { errors?: EsbuildMessage[] }).errors;
    if (!errors) throw err;
    return { ok: false, diagnostics: errors.map(formatMessage).join('\n') + '\n' };
  }
}

/**
 * A JavaScript program as QuickJS runs it: unchanged unless it has async
 * functions, which are lowered (see `LOWERED`). A program esbuild cannot
 * parse runs unchanged, so QuickJS reports the syntax error as Node would.
 */
export async function lowerJavaScript(
  source: string,
  filename: string,
): Promise<{ code: string; sourceMap?: string }> {
  if (!MAY_BE_ASYNC.test(source)) return { code: source };
  try {
    const result = await transform(source, {
      loader: 'js',
      target: 'es2022',
      supported: LOWERED,
      sourcemap: 'external',
      sourcefile: filename,
      logLevel: 'silent',
    });
    return { code: result.code, sourceMap: mappingsOf(result.map) };
  } catch (err) {
    if ((err as { errors?: unknown }).errors) return { code: source };
    throw err;
  }
}

function mappingsOf(map: string): string {
  return (JSON.parse(map) as { mappings: string }).mappings;
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
