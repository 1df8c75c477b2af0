import type { FunctionProblemView, ProblemView } from '@tandem/protocol';
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
  const hidden = problem.hiddenCaseCount + (problem.function?.hiddenCaseCount ?? 0);
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
      {problem.function && <FunctionSignature fn={problem.function} />}
      {problem.function?.examples.map((example, i) => (
        <div key={`f${i}`} className="problem-example">
          <h3>Example {i + 1}</h3>
          <div className="case-io">
            <div>
              <div className="stream-label">Arguments</div>
              <pre className="stream-text">{example.arguments}</pre>
            </div>
            <div>
              <div className="stream-label">Returns</div>
              <pre className="stream-text">{example.expected}</pre>
            </div>
          </div>
        </div>
      ))}
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

/** The function to write, in the problem's neutral types, and how its result is compared. */
function FunctionSignature({ fn }: { fn: FunctionProblemView }) {
  const { name, params, returns } = fn.signature;
  return (
    <section className="problem-signature" aria-label="Function to write">
      <div className="stream-label">Write the function</div>
      <code className="problem-signature-code">
        {name}({params.map((p) => `${p.name}: ${p.type}`).join(', ')}) → {returns}
      </code>
      <p className="problem-signature-note">
        It is called once per test case; what it prints shows under stderr and does not count.
        {fn.comparison.anyOrder ? ' The returned elements may come in any order.' : ''}
      </p>
    </section>
  );
}
