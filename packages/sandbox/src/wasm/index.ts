export { WasmBackend } from './backend.js';
export type { WasmBackendOptions } from './backend.js';
