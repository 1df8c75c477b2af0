/** A plain run: compile once if needed, then run once with the given stdin. */
import { compile, runLimits, stepVerdict } from './steps.js';
import type { ExecuteRequest, ExecuteResult, LanguageSpec, SandboxBackend } from './types.js';

export async function execute(
  backend: SandboxBackend,
  language: LanguageSpec,
  request: ExecuteRequest,
): Promise<ExecuteResult> {
  const workspace = await backend.prepare([{ name: language.sourceFile, content: request.source }]);
  try {
    const compiled = await compile(backend, language, workspace, request.signal);
    if (compiled.failed) return { verdict: compiled.failed, compile: compiled.step, result: null };
    const result = await backend.step({
      language,
      argv: language.run,
      files: [],
      workspace,
      stdin: request.stdin,
      limits: runLimits(language, request.limits),
      signal: request.signal,
    });
    return { verdict: stepVerdict(result, language), compile: compiled.step, result };
  } finally {
    await workspace.dispose();
  }
}
