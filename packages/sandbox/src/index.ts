export * from './types.js';
export { createSandbox, SandboxError } from './sandbox.js';
export type { Sandbox, SandboxErrorCode, SandboxLogger, SandboxOptions } from './sandbox.js';
export { LANGUAGES, findLanguage } from './languages.js';
export { BubblewrapBackend } from './bubblewrap/backend.js';
export type { BubblewrapOptions } from './bubblewrap/backend.js';
export { WasmBackend } from './wasm/index.js';
export type { WasmBackendOptions } from './wasm/index.js';
export { normaliseOutput, outputsMatch } from './compare.js';
