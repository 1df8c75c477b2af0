import { vi } from 'vitest';
import { functionHarnessContract } from '../function-harness.contract.js';
import { createSandbox } from '../sandbox.js';
import { WasmBackend } from './index.js';

// Pyodide loads in 1–2 s on an idle core, several times that on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

functionHarnessContract(
  'wasm',
  () => createSandbox({ backend: 'wasm', backends: [new WasmBackend()] }),
  ['python', 'javascript', 'typescript'],
);
