import type { FunctionSignature } from '@tandem/protocol';

/** The job's files once the driver is added to the candidate's code. */
export interface Wrapped {
  /** The language's main source file among them, and any others beside it. */
  files: { name: string; content: string }[];
  /** Files of `files` the compile step must also be given, after the language's own argv. */
  compileAlso: string[];
}

/**
 * One language's side of a function-signature problem. The candidate's code
 * keeps its own line numbers in every language: it is a file of its own
 * (Python, Java, Go, Ruby, PHP), comes first with the driver after it
 * (JavaScript, TypeScript), or follows a `#line 1` directive (C++).
 */
export interface LanguageHarness {
  /** The language registry's id. */
  language: string;
  /** A stub with the right signature for the candidate to fill in. */
  starter(signature: FunctionSignature): string;
  /**
   * The candidate's code plus a driver that reads the case's arguments as a
   * JSON array on stdin, calls the function, and prints `RESULT_MARKER` and
   * the returned value as JSON on the real stdout, with the candidate's own
   * stdout sent to stderr. `mainFile` is the registry's source file name.
   */
  wrap(signature: FunctionSignature, source: string, mainFile: string): Wrapped;
}

/** JSON text of the marker for a string literal in any C-like language. */
export const MARKER_LITERAL = '"\\x1eTANDEM-RESULT "';

/** Ends the candidate's code with a newline, so what follows starts on a line of its own. */
export function withNewline(source: string): string {
  return source.endsWith('\n') ? source : `${source}\n`;
}
