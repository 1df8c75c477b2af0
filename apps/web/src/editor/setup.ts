import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, type Extension } from '@codemirror/state';
import {
  crosshairCursor,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
  rectangularSelection,
} from '@codemirror/view';
import { yUndoManagerKeymap } from 'y-codemirror.next';
import { editorTheme } from './theme';

export const PLACEHOLDER = 'Start typing — everyone in the room sees it live';

/**
 * The editor's fixed extensions: CodeMirror's basic setup minus its local
 * history (undo goes through y-codemirror.next's Y.UndoManager, which undoes
 * only this user's edits), minus autocompletion (an interview shows what the
 * candidate writes, not what the editor suggests) and minus auto-closed
 * brackets (with two people typing, inserted closers land in each other's
 * code). Long lines scroll rather than wrap, so indentation stays readable.
 *
 * Tab indents. Keyboard users leave the editor with Escape then Tab, as
 * CodeMirror documents for `indentWithTab`.
 */
export function baseExtensions(): Extension {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    indentUnit.of('    '),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    bracketMatching(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    keymap.of([
      ...defaultKeymap,
      ...searchKeymap,
      ...foldKeymap,
      ...yUndoManagerKeymap,
      indentWithTab,
    ]),
    placeholder(PLACEHOLDER),
    EditorView.contentAttributes.of({ 'aria-label': 'Code editor' }),
    editorTheme,
  ];
}
