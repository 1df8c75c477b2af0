import type { RunLanguage, RunView } from '@tandem/protocol';
import { RUN_SHORTCUT } from '../../ui/shortcut';
import { VerdictBadge, verdictLabel } from '../../ui/verdict';
import { CaseTable } from './CaseTable';
import { sandboxNote, toolchainName } from './toolchain';
import { StepStats, StepStreams } from './StepOutput';

/** "Ada ran Python 3.11.2", or "Ada is running …" until it has finished. */
function whoRan(run: RunView, languages: RunLanguage[]): string {
  const language = languages.find((l) => l.id === run.language);
  const verb = run.status === 'finished' ? 'ran' : 'is running';
  return `${run.requestedBy} ${verb} ${language ? toolchainName(language) : run.language}`;
}

/** One sentence for screen readers when a run ends; the output itself is read on demand. */
function announcement(run: RunView): string {
  if (run.status !== 'finished' || !run.verdict) return '';
  const passed = run.summary ? `, ${run.summary.passed} of ${run.summary.total} passed` : '';
  return `Run finished: ${verdictLabel(run.verdict)}${passed}.`;
}

function sandboxFailed(run: RunView): boolean {
  return (
    run.verdict === 'internal_error' || !!run.cases?.some((c) => c.verdict === 'internal_error')
  );
}

function Progress({ run }: { run: RunView }) {
  if (run.status === 'queued') {
    const place = run.queuePosition ? ` — position ${run.queuePosition}` : '';
    return <span className="verdict" data-tone="pending">{`Queued${place}`}</span>;
  }
  return (
    <span className="verdict" data-tone="pending">
      Running…
    </span>
  );
}

/**
 * The room's latest run, the same for everyone in the room: verdict, who ran
 * it where, its output and figures, and for judged runs one row per case.
 */
export function RunOutput({ run, languages }: { run: RunView | null; languages: RunLanguage[] }) {
  return (
    <section className="run-output" aria-label="Run output">
      <p className="visually-hidden" aria-live="polite">
        {run ? announcement(run) : ''}
      </p>
      {run ? (
        <RunResult run={run} languages={languages} />
      ) : (
        <p className="run-empty">
          Press Run ({RUN_SHORTCUT}) to run the code. Everyone in the room sees the result.
        </p>
      )}
    </section>
  );
}

function RunResult({ run, languages }: { run: RunView; languages: RunLanguage[] }) {
  const compileFailed = run.verdict === 'compile_error';
  const compilerSpoke = run.compile !== null && (run.compile.stderr !== '' || compileFailed);
  return (
    <>
      <div className="run-head">
        {run.status === 'finished' && run.verdict ? (
          <VerdictBadge verdict={run.verdict} />
        ) : (
          <Progress run={run} />
        )}
        {run.summary && (
          <span className="run-summary">
            {run.summary.passed} / {run.summary.total} passed
          </span>
        )}
      </div>
      <p className="run-meta">
        <span>{whoRan(run, languages)}</span>
        {run.backend && <span className="run-sandbox">{sandboxNote(run.backend)}</span>}
      </p>
      {sandboxFailed(run) && (
        <p className="run-note">
          The sandbox failed to run this code: it is not the program&apos;s fault. Try again; if it
          keeps happening, the server&apos;s log says why.
        </p>
      )}
      {compilerSpoke && run.compile && (
        <div className="run-step">
          <h3 className="run-step-title">Compiler output</h3>
          <StepStreams step={run.compile} />
          {compileFailed && <StepStats step={run.compile} />}
        </div>
      )}
      {run.result && (
        <div className="run-step">
          <StepStreams step={run.result} />
          <StepStats step={run.result} />
        </div>
      )}
      {run.cases && run.cases.length > 0 && <CaseTable cases={run.cases} />}
    </>
  );
}
