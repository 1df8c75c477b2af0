import { useId, useState } from 'react';

function summary(stdin: string): string {
  if (stdin === '') return 'empty';
  const lines = stdin.replace(/\n$/, '').split('\n').length;
  return `${lines} line${lines === 1 ? '' : 's'}`;
}

/**
 * The input given to a plain run. It can be folded away; folded, it still says
 * how much input the next run gets. Ctrl/Cmd+Enter runs from here too.
 */
export function StdinBox({
  value,
  onChange,
  onRun,
}: {
  value: string;
  onChange: (stdin: string) => void;
  onRun: () => void;
}) {
  const id = useId();
  const [open, setOpen] = useState(true);
  return (
    <div className="stdin">
      <div className="stdin-head">
        <label htmlFor={`${id}-input`}>Input (stdin)</label>
        {!open && <span className="stdin-summary">{summary(value)}</span>}
        <button
          type="button"
          className="button button-quiet button-small"
          aria-expanded={open}
          aria-controls={`${id}-input`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide input' : 'Show input'}
        </button>
      </div>
      <textarea
        id={`${id}-input`}
        hidden={!open}
        value={value}
        rows={4}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder="What the program reads from standard input"
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onRun();
          }
        }}
      />
    </div>
  );
}
