import type { ProblemView } from '@tandem/protocol';
import { formatBytes, formatMs } from '../../ui/format';
import { Markdown } from '../../ui/Markdown';
import { useProblem } from './useProblems';
import './problem.css';

/** The chosen problem: statement, examples, and how many hidden cases judge it. */
export function ProblemStatement({ problemId }: { problemId: string }) {
  const problem = useProblem(problemId);
  if (!problem || problem.state === 'loading') {
    return <p className="loading">Loading the problem…</p>;
  }
  if (problem.state === 'failed') {
    return <p className="field-error">The problem could not be loaded: {problem.message}</p>;
  }
  return <Statement problem={problem.value} />;
}

function Statement({ problem }: { problem: ProblemView }) {
  const hidden = problem.hiddenCaseCount;
  return (
    <article className="problem" aria-labelledby={`problem-${problem.id}`}>
      <h2 id={`problem-${problem.id}`} className="problem-title">
        {problem.title}
      </h2>
      <p className="problem-tags">
        <span className="tag" data-difficulty={problem.difficulty}>
          {problem.difficulty}
        </span>
        <span className="tag">{problem.pattern}</span>
        <span className="problem-limits">
          {formatMs(problem.limits.cpuMs)} CPU · {formatBytes(problem.limits.memoryBytes)}
        </span>
      </p>
      <Markdown source={problem.statement} className="problem-statement" />
      {problem.examples.map((example, i) => (
        <div key={i} className="problem-example">
          <h3>Example {i + 1}</h3>
          <div className="case-io">
            <div>
              <div className="stream-label">Input</div>
              <pre className="stream-text">{example.stdin}</pre>
            </div>
            <div>
              <div className="stream-label">Output</div>
              <pre className="stream-text">{example.expected}</pre>
            </div>
          </div>
        </div>
      ))}
      {hidden > 0 && (
        <p className="problem-hidden">
          {hidden} hidden test case{hidden === 1 ? '' : 's'} also judge the code.
        </p>
      )}
    </article>
  );
}
