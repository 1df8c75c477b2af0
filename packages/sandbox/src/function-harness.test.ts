import { harnessFor } from '@tandem/harness';
import { vi } from 'vitest';
import { BubblewrapBackend } from './bubblewrap/backend.js';
import { functionHarnessContract } from './function-harness.contract.js';
import { LANGUAGES } from './languages.js';
import { createSandbox } from './sandbox.js';

// Compiling the drivers (C++, Java, Go) several times over takes a while on a shared machine.
vi.setConfig({ testTimeout: 120_000 });

functionHarnessContract(
  'bubblewrap',
  () => createSandbox({ backend: 'bubblewrap', backends: [new BubblewrapBackend()] }),
  LANGUAGES.filter((language) => harnessFor(language.id)).map((language) => language.id),
);
