import { EditorView } from '@codemirror/view';

/**
 * The editor's look, matched to the app's stylesheet. Remote carets always
 * show their owner's name (y-codemirror.next shows it only on hover), so
 * everyone can tell who is typing where at a glance.
 */
export const editorTheme = EditorView.theme({
  '&': {
    height: '100%',
    fontSize: '14px',
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
  },
  // The focus ring is the host's border (styles.css): an outline here would hide under the gutter.
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': {
    fontFamily: 'var(--font-mono)',
    lineHeight: '1.55',
  },
  '.cm-content': { padding: '1.25em 0 40vh' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-muted)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--text)' },
  '.cm-placeholder': { color: 'var(--text-muted)', fontStyle: 'italic' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-ySelectionInfo': {
    opacity: 1,
    fontFamily: 'var(--font-sans)',
    fontSize: '11px',
    fontWeight: '600',
    padding: '1px 4px',
    top: '-1.45em',
    borderRadius: '3px 3px 3px 0',
  },
  '.cm-ySelectionCaret': { borderLeftWidth: '2px', marginLeft: '-1px' },
});
