/**
 * Reads the `mappings` of a version 3 source map (one source, as esbuild
 * writes for a transform) to turn a position in the code QuickJS ran back
 * into one in the program as written, for stack traces.
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A generated line's segments: [generated column, original line, original column], 0-based. */
type Segment = [number, number, number];

export type PositionMapper = (
  line: number,
  column: number,
) => { line: number; column: number } | null;

/**
 * `line` and `column` are 1-based, as in stack traces. A position with no
 * mapping of its own takes the closest one before it on its line; null for a
 * line without any (code the transform added, such as its helpers).
 */
export function positionMapper(mappings: string): PositionMapper {
  const lines = decode(mappings);
  return (line, column) => {
    const segments = lines[line - 1];
    if (!segments || segments.length === 0) return null;
    let best = segments[0] as Segment;
    for (const segment of segments) {
      if (segment[0] > column - 1) break;
      best = segment;
    }
    return { line: best[1] + 1, column: best[2] + 1 };
  };
}

function decode(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const field of text.split(',')) {
      if (!field) continue;
      const values = vlq(field);
      column += values[0] ?? 0;
      if (values.length < 4) continue;
      sourceLine += values[2] ?? 0;
      sourceColumn += values[3] ?? 0;
      segments.push([column, sourceLine, sourceColumn]);
    }
    lines.push(segments);
  }
  return lines;
}

function vlq(field: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of field) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw new Error(`not a source map digit: ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
