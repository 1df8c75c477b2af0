import { Fragment, useState } from 'react';
import type { CaseView } from '@tandem/protocol';
import { formatKb, formatMs } from '../../ui/format';
import { VerdictBadge } from '../../ui/verdict';
import './cases.css';

/**
 * One row per judged test case. Visible cases expand to their input, the
 * expected and the actual output; hidden ones say only "Hidden" and their
 * verdict (the server sends nothing more for them).
 */
export function CaseTable({ cases }: { cases: CaseView[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (index: number) => {
    const next = new Set(open);
    if (!next.delete(index)) next.add(index);
    setOpen(next);
  };

  return (
    <div className="cases-wrap">
      <table className="cases">
        <caption className="visually-hidden">Test cases</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Verdict</th>
            <th scope="col">Time</th>
            <th scope="col">Memory</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => {
            const number = c.index + 1;
            const expanded = !c.hidden && open.has(c.index);
            const detailsId = `case-${c.index}-details`;
            return (
              <Fragment key={c.index}>
                <tr data-verdict={c.verdict}>
                  <th scope="row">
                    {c.hidden ? (
                      <span className="case-name">
                        Case {number} <span className="case-hidden">Hidden</span>
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="case-toggle"
                        aria-expanded={expanded}
                        aria-controls={expanded ? detailsId : undefined}
                        onClick={() => toggle(c.index)}
                      >
                        <span className="case-chevron" aria-hidden="true" />
                        Case {number}
                      </button>
                    )}
                  </th>
                  <td>
                    <VerdictBadge verdict={c.verdict} />
                  </td>
                  <td title={`CPU ${formatMs(c.cpuMs)}`}>{formatMs(c.wallMs)}</td>
                  <td>{formatKb(c.memoryKb)}</td>
                </tr>
                {expanded && (
                  <tr className="case-details" id={detailsId}>
                    <td colSpan={4}>
                      <CaseDetails c={c} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CaseDetails({ c }: { c: CaseView }) {
  return (
    <div className="case-io">
      <Block label="Input" text={c.stdin} />
      <Block label="Expected" text={c.expected} />
      <Block label="Actual" text={c.stdout} />
      {c.stderr ? <Block label="stderr" text={c.stderr} className="case-stderr" /> : null}
    </div>
  );
}

function Block({ label, text, className }: { label: string; text?: string; className?: string }) {
  return (
    <div className={className}>
      <div className="stream-label">{label}</div>
      {text ? <pre className="stream-text">{text}</pre> : <p className="stream-empty">Empty.</p>}
    </div>
  );
}
