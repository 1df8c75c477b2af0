import type { JobProgress, RunJob, RunJobResult, StepView } from '@tandem/protocol';
import type { Sandbox, StepResult } from '@tandem/sandbox';

/** What leaves the worker of a step: the view, without internal diagnostics. */
function toView(step: StepResult | null): StepView | null {
  if (!step) return null;
  const { outcome: _outcome, error: _error, ...view } = step;
  return view;
}

/**
 * Runs one job in the sandbox: a plain run with stdin, or a judged run against
 * the job's cases, reporting each case as it finishes. Never throws: a sandbox
 * failure becomes an `internal_error` result.
 */
export async function runJob(
  sandbox: Sandbox,
  job: RunJob,
  report: (progress: JobProgress) => void,
  signal: AbortSignal,
): Promise<RunJobResult> {
  const backend = sandbox.backend;
  report({ type: 'started', runId: job.runId, backend });
  const limits = job.limits ?? undefined;
  try {
    if (job.cases) {
      const judged = await sandbox.judge({
        language: job.language,
        source: job.source,
        cases: job.cases,
        harness: job.harness,
        limits,
        signal,
        onCase: (c) => report({ type: 'case', runId: job.runId, case: c }),
      });
      return {
        runId: job.runId,
        verdict: signal.aborted ? 'cancelled' : judged.verdict,
        backend,
        compile: toView(judged.compile),
        result: null,
        cases: judged.cases,
        summary: judged.summary,
      };
    }
    const executed = await sandbox.execute({
      language: job.language,
      source: job.source,
      stdin: job.stdin,
      limits,
      signal,
    });
    return {
      runId: job.runId,
      verdict: signal.aborted ? 'cancelled' : executed.verdict,
      backend,
      compile: toView(executed.compile),
      result: toView(executed.result),
      cases: null,
      summary: null,
    };
  } catch {
    return {
      runId: job.runId,
      verdict: signal.aborted ? 'cancelled' : 'internal_error',
      backend,
      compile: null,
      result: null,
      cases: null,
      summary: null,
    };
  }
}
