import { Prec, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';

/**
 * Ctrl+Enter (and Cmd+Enter on Apple keyboards) runs the code. Highest
 * precedence: the default keymap binds Mod-Enter to "insert blank line".
 */
export function runKeymap(run: () => void): Extension {
  const command = () => {
    run();
    return true;
  };
  return Prec.highest(
    keymap.of([
      { key: 'Mod-Enter', run: command },
      { key: 'Ctrl-Enter', run: command },
    ]),
  );
}
