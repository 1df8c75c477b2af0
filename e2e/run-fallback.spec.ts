import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { editor, expectAllSaved, expectText, joinRoom } from './support/room.js';

// A host without bubblewrap (macOS, a locked-down container): the WebAssembly
// fallback runs Python and JavaScript, and the room says which sandbox ran.
test.use({ ownServer: true, serverEnv: { SANDBOX_BACKEND: 'wasm' } });

/** Loading an interpreter in WebAssembly takes seconds on a busy machine. */
const INTERPRETER_LOAD = { timeout: 45_000 };

async function writeProgram(page: Page, others: Page[], source: string): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(source);
  await expectText([page, ...others], source);
  await expectAllSaved(page);
}

test('without bubblewrap, Python runs in WebAssembly and both people see the result', async ({
  newPerson,
  createRoom,
}) => {
  const room = await createRoom('Laptop interview', 'python');
  const [ada, bob] = await Promise.all([newPerson(), newPerson()]);
  await joinRoom(ada, `/r/${room.id}`, 'Ada');
  await joinRoom(bob, `/r/${room.id}`, 'Bob');
  const source = 'name = input()\nprint(f"hello {name} from {__import__(\'sys\').platform}")';
  await writeProgram(ada, [bob], source);

  await ada.getByLabel('Input (stdin)').fill('Grace');
  await ada.getByRole('button', { name: 'Run', exact: true }).click();
  for (const page of [ada, bob]) {
    const output = page.getByRole('region', { name: 'Run output' });
    await expect(output.locator('.verdict')).toHaveText('Finished', INTERPRETER_LOAD);
    await expect(output.getByLabel('stdout')).toHaveText('hello Grace from emscripten\n');
    await expect(output).toContainText('sandbox: WebAssembly');
  }
});
