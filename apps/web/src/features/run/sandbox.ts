import type { RunLanguage } from '@tandem/protocol';

/** Which sandbox runs the code, as the small note under a run says it. */
export function sandboxNote(backend: RunLanguage['backend']): string {
  return backend === 'wasm' ? 'sandbox: WebAssembly (fallback)' : 'sandbox: bubblewrap';
}
