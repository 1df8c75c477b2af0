import type { RunLanguage } from '@tandem/protocol';

/** Which sandbox runs the code, as the small note under a run says it. */
export function sandboxNote(backend: RunLanguage['backend']): string {
  return backend === 'wasm' ? 'sandbox: WebAssembly (fallback)' : 'sandbox: bubblewrap';
}

/**
 * The toolchain as people read it: "Python 3.11.2" when its version string
 * names it, else "JavaScript (Node.js) — v20.20.2".
 */
export function toolchainName({ label, version }: RunLanguage): string {
  return version.startsWith(label) ? version : `${label} — ${version}`;
}
