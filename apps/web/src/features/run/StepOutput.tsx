import type { StepView } from '@tandem/protocol';
import { formatKb, formatMs } from '../../ui/format';

/** stdout and stderr of one execution, stderr set apart, with notes where they were cut. */
export function StepStreams({ step }: { step: StepView }) {
  if (step.stdout === '' && step.stderr === '') {
    return <p className="stream-empty">No output.</p>;
  }
  return (
    <>
      {(step.stdout !== '' || step.stdoutTruncated) && (
        <Stream name="stdout" text={step.stdout} truncated={step.stdoutTruncated} />
      )}
      {(step.stderr !== '' || step.stderrTruncated) && (
        <Stream name="stderr" text={step.stderr} truncated={step.stderrTruncated} />
      )}
    </>
  );
}

function Stream({ name, text, truncated }: { name: string; text: string; truncated: boolean }) {
  return (
    <div className={`stream stream-${name}`}>
      <div className="stream-label">{name}</div>
      <pre className="stream-text" tabIndex={0} aria-label={name}>
        {text}
      </pre>
      {truncated && (
        <p className="stream-truncated">
          {name} truncated: the program wrote more than the sandbox keeps.
        </p>
      )}
    </div>
  );
}

/** How the execution ended and what it cost. */
export function StepStats({ step }: { step: StepView }) {
  return (
    <dl className="run-stats">
      {step.signal ? (
        <Stat term="Signal" value={step.signal} />
      ) : (
        <Stat term="Exit code" value={step.exitCode === null ? '—' : String(step.exitCode)} />
      )}
      <Stat term="Wall time" value={formatMs(step.wallMs)} />
      <Stat term="CPU time" value={formatMs(step.cpuMs)} />
      <Stat term="Peak memory" value={formatKb(step.memoryKb)} />
    </dl>
  );
}

function Stat({ term, value }: { term: string; value: string }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}
