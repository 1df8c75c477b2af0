import { BubblewrapBackend } from './bubblewrap/backend.js';
import { LANGUAGES } from './languages.js';
import { sandboxContract } from './sandbox.contract.js';
import { createSandbox } from './sandbox.js';

sandboxContract(
  'bubblewrap',
  () => createSandbox({ backend: 'bubblewrap', backends: [new BubblewrapBackend()] }),
  LANGUAGES.map((language) => language.id),
);
