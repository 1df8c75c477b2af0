import type { ReactNode } from 'react';
import { ProblemPicker } from '../problems/ProblemPicker';
import { ProblemStatement } from '../problems/ProblemStatement';
import { RunButton } from './RunButton';
import { RunOutput } from './RunOutput';
import { StdinBox } from './StdinBox';
import type { RunSession } from './useRunSession';
import './run.css';

/**
 * Beside the editor: the problem (if any), the input, Run, and the room's
 * latest run as everyone in the room sees it.
 */
export function RunPanel({
  session,
  problemPicker = true,
  afterProblem,
}: {
  session: RunSession;
  /** Off in interview rooms: the interviewer assigns the problem. */
  problemPicker?: boolean;
  /** Shown under the problem statement (revealed hints). */
  afterProblem?: ReactNode;
}) {
  const { problemId, languages } = session;
  return (
    <aside className="run-panel" aria-label="Run code">
      <div className="run-bar">
        {problemPicker && <ProblemPicker value={problemId} onChange={session.setProblemId} />}
        <RunButton session={session} />
      </div>
      <div className="run-context">
        {problemId ? (
          <>
            <ProblemStatement problemId={problemId} />
            {afterProblem}
          </>
        ) : (
          <StdinBox value={session.stdin} onChange={session.setStdin} onRun={session.start} />
        )}
      </div>
      <RunOutput
        run={session.latest}
        languages={languages.state === 'ready' ? languages.languages : []}
      />
    </aside>
  );
}
