/** Why the sandbox refused a job (never the program's own failure, which is a verdict). */
export type SandboxErrorCode =
  'SANDBOX_UNAVAILABLE' | 'SANDBOX_UNKNOWN_LANGUAGE' | 'SANDBOX_CLOSED';

export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
