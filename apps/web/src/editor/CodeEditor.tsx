import { useEffect, useId, useRef } from 'react';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yCollab } from 'y-codemirror.next';
import type { RoomConnection } from '@tandem/client';
import type { LanguageId } from '@tandem/protocol';
import { RUN_SHORTCUT } from '../ui/shortcut';
import { loadLanguage } from './languages';
import { runKeymap } from './runKeymap';
import { baseExtensions } from './setup';

/**
 * The shared code editor. The view is built once per document; a change of
 * language only reconfigures its compartment, so the document, cursors and
 * undo history survive it.
 */
export function CodeEditor({
  text,
  awareness,
  language,
  onRun,
  readOnly = false,
}: {
  text: RoomConnection['text'];
  awareness: RoomConnection['awareness'];
  language: LanguageId;
  /** Called on Ctrl/Cmd+Enter; the latest one is used without rebuilding the view. */
  onRun: () => void;
  /** No typing (locked by the interviewer, an observer, an ended interview); the text stays selectable. */
  readOnly?: boolean;
}) {
  const hintId = useId();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const readOnlySlot = useRef(new Compartment());
  const readOnlyNow = useRef(readOnly);
  readOnlyNow.current = readOnly;
  const run = useRef(onRun);
  run.current = onRun;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text.toString(),
        extensions: [
          baseExtensions(),
          EditorView.contentAttributes.of({ 'aria-describedby': hintId }),
          languageSlot.current.of([]),
          readOnlySlot.current.of(readOnlyExtensions(readOnlyNow.current)),
          runKeymap(() => run.current()),
          yCollab(text, awareness),
        ],
      }),
    });
    view.current = editor;
    return () => {
      view.current = null;
      editor.destroy();
    };
  }, [text, awareness, hintId]);

  useEffect(() => {
    view.current?.dispatch({
      effects: readOnlySlot.current.reconfigure(readOnlyExtensions(readOnly)),
    });
  }, [readOnly, text]);

  useEffect(() => {
    let current = true;
    loadLanguage(language).then(
      (support) => {
        if (current && view.current) {
          view.current.dispatch({ effects: languageSlot.current.reconfigure(support) });
        }
      },
      // The text stays editable without highlighting; the next change retries.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [language, text]);

  return (
    <>
      <p id={hintId} className="visually-hidden">
        Tab indents. {RUN_SHORTCUT} runs the code. To leave the editor with the keyboard, press
        Escape, then Tab.
      </p>
      <div className="editor" ref={host} data-readonly={readOnly || undefined} />
    </>
  );
}

function readOnlyExtensions(readOnly: boolean) {
  return readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [];
}
