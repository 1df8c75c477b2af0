/**
 * The sandbox facade: picks a backend, lists the languages that really run
 * here, and runs or judges programs.
 *
 * @example
 * const sandbox = await createSandbox({ logger });
 * const { verdict, result } = await sandbox.execute({ language: 'python', source, stdin: '' });
 * await sandbox.close();
 */
import type { RunLanguage } from '@tandem/protocol';
import { BubblewrapBackend } from './bubblewrap/backend.js';
import { execute } from './execute.js';
import { judge } from './judge.js';
import { LANGUAGES } from './languages.js';
import { SandboxError } from './sandbox-error.js';
import { WasmBackend } from './wasm/index.js';
import type {
  ExecuteRequest,
  ExecuteResult,
  JudgeRequest,
  JudgeResult,
  LanguageSpec,
  SandboxBackend,
} from './types.js';

export { SandboxError, type SandboxErrorCode } from './sandbox-error.js';

export interface SandboxLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface SandboxOptions {
  /** `auto` (default): bubblewrap when it can run here, else the WebAssembly backend. */
  backend?: 'auto' | 'bubblewrap' | 'wasm';
  logger?: SandboxLogger;
  /** The candidate backends, in order of preference (default: bubblewrap, then WebAssembly). */
  backends?: SandboxBackend[];
  /** The language registry (default: `LANGUAGES`). */
  languages?: readonly LanguageSpec[];
}

export interface Sandbox {
  readonly backend: 'bubblewrap' | 'wasm';
  /** Why bubblewrap is not the backend in use, or null when it is. */
  readonly unavailableReason: string | null;
  /** Languages whose toolchain runs here, with versions (probed once, then cached). */
  languages(): Promise<RunLanguage[]>;
  execute(request: ExecuteRequest): Promise<ExecuteResult>;
  judge(request: JudgeRequest): Promise<JudgeResult>;
  close(): Promise<void>;
}

const silent: SandboxLogger = { info() {}, warn() {}, error() {} };

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? silent;
  const wanted = options.backend ?? 'auto';
  const candidates: SandboxBackend[] = options.backends ?? [
    new BubblewrapBackend({
      onCleanupError: (err) => logger.warn({ err }, 'sandbox clean-up after a job failed'),
    }),
    new WasmBackend(),
  ];
  const registry = options.languages ?? LANGUAGES;

  const reasons = new Map<string, string>();
  let chosen: SandboxBackend | undefined;
  for (const candidate of candidates) {
    if (wanted !== 'auto' && candidate.name !== wanted) continue;
    const reason = await candidate.unavailableReason();
    if (reason === null) {
      chosen = candidate;
      break;
    }
    reasons.set(candidate.name, reason);
    logger.warn({ backend: candidate.name, reason }, 'sandbox backend unavailable');
  }
  if (!chosen) {
    const detail = [...reasons].map(([name, reason]) => `${name}: ${reason}`).join('; ');
    throw new SandboxError(
      'SANDBOX_UNAVAILABLE',
      `no sandbox backend can run here (wanted ${wanted}${detail ? `; ${detail}` : ''})`,
    );
  }
  const backend = chosen;
  const unavailableReason =
    backend.name === 'bubblewrap'
      ? null
      : (reasons.get('bubblewrap') ?? 'the bubblewrap backend was not selected');
  logger.info({ backend: backend.name, unavailableReason }, 'sandbox ready');

  let closed = false;
  let available: Promise<Map<string, { spec: LanguageSpec; version: string }>> | null = null;
  const probe = () => {
    available ??= Promise.all(
      registry.map(async (spec) => ({ spec, support: await backend.supports(spec) })),
    ).then((entries) => {
      const found = new Map<string, { spec: LanguageSpec; version: string }>();
      for (const { spec, support } of entries) {
        if (support) found.set(spec.id, { spec, version: support.version });
        else logger.info({ language: spec.id, backend: backend.name }, 'language not available');
      }
      return found;
    });
    return available;
  };
  const languageFor = async (id: string): Promise<LanguageSpec> => {
    if (closed) throw new SandboxError('SANDBOX_CLOSED', 'the sandbox is closed');
    const entry = (await probe()).get(id);
    if (!entry) {
      throw new SandboxError('SANDBOX_UNKNOWN_LANGUAGE', `language ${id} is not available here`);
    }
    return entry.spec;
  };

  return {
    backend: backend.name,
    unavailableReason,
    async languages() {
      return [...(await probe()).values()].map(({ spec, version }) => ({
        id: spec.id,
        label: spec.label,
        version,
        backend: backend.name,
        editor: spec.editor,
        template: spec.template,
      }));
    },
    async execute(request) {
      return execute(backend, await languageFor(request.language), request);
    },
    async judge(request) {
      return judge(backend, await languageFor(request.language), request);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(candidates.map((candidate) => candidate.close?.()));
    },
  };
}
