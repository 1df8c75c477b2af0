import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { editor, expectAllSaved, expectText, joinRoom } from './support/room.js';

/** The panel everyone in the room sees the latest run in. */
function output(page: Page): Locator {
  return page.getByRole('region', { name: 'Run output' });
}

function runButton(page: Page, name: 'Run' | 'Run tests' = 'Run'): Locator {
  return page.getByRole('button', { name, exact: true });
}

/** Two people in one fresh Python room, both connected. */
async function pair(
  newPerson: () => Promise<Page>,
  createRoom: () => Promise<{ id: string }>,
): Promise<{ ada: Page; bob: Page }> {
  const room = await createRoom();
  const [ada, bob] = await Promise.all([newPerson(), newPerson()]);
  await joinRoom(ada, `/r/${room.id}`, 'Ada');
  await joinRoom(bob, `/r/${room.id}`, 'Bob');
  return { ada, bob };
}

/**
 * Replaces the shared document with `source`, inserted as one piece of text
 * (typing it would let the editor's auto-indent reindent the Python).
 */
async function writeProgram(page: Page, others: Page[], source: string): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(source);
  await expectText([page, ...others], source);
  await expectAllSaved(page);
}

const GREETER = [
  'import sys',
  'name = input()',
  'print(f"hello {name}")',
  'print("checked", file=sys.stderr)',
].join('\n');

test('one person runs a program with stdin; both see the same output and verdict', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  for (const page of [ada, bob]) {
    await expect(output(page)).toContainText('Press Run');
  }
  await writeProgram(ada, [bob], GREETER);

  await ada.getByLabel('Input (stdin)').fill('Grace');
  await expect(runButton(ada)).toHaveAttribute('aria-keyshortcuts', /Control\+Enter/);
  await runButton(ada).click();
  for (const page of [ada, bob]) {
    await expect(output(page).locator('.verdict')).toHaveText('Finished');
    await expect(output(page).getByLabel('stdout')).toHaveText('hello Grace\n');
    await expect(output(page).getByLabel('stderr')).toHaveText('checked\n');
    await expect(output(page)).toContainText('Exit code0');
    await expect(output(page)).toContainText(/Ada ran Python/);
    await expect(output(page)).toContainText(/sandbox: (bubblewrap|WebAssembly)/);
    await expect(runButton(page)).toBeEnabled();
  }

  // Ctrl+Enter from the editor runs too, with the presser's own stdin.
  await bob.getByLabel('Input (stdin)').fill('Linus');
  await editor(bob).click();
  await bob.keyboard.press('Control+Enter');
  for (const page of [ada, bob]) {
    await expect(output(page).getByLabel('stdout')).toHaveText('hello Linus\n');
    await expect(output(page)).toContainText(/Bob ran Python/);
  }
  // The shortcut ran the code; it did not insert a line.
  await expectText([ada, bob], GREETER);
});

test('a run stopped by one person reads "Stopped" for both', async ({ newPerson, createRoom }) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await writeProgram(ada, [bob], 'while True:\n    pass');
  await runButton(ada).click();

  const stop = bob.getByRole('button', { name: 'Stop', exact: true });
  await expect(stop).toBeVisible();
  await expect(bob.getByRole('button', { name: /^(Queued|Running)/ })).toBeVisible();
  await stop.click();
  for (const page of [ada, bob]) {
    await expect(output(page).locator('.verdict')).toHaveText('Stopped');
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0);
  }
});

test('a judged run shows a verdict per case; hidden cases show no input', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await ada.getByLabel('Problem').selectOption('sum-of-two');
  await expect(ada.getByRole('heading', { name: 'Sum of two numbers' })).toBeVisible();
  await expect(runButton(ada, 'Run tests')).toBeVisible();
  // The choice is Ada's: Bob still runs with input.
  await expect(runButton(bob)).toBeVisible();

  // a - b is right only when b is 0: the hidden "0 0" case passes, the others fail.
  await writeProgram(ada, [bob], 'a, b = map(int, input().split())\nprint(a - b)');
  await runButton(ada, 'Run tests').click();

  for (const page of [ada, bob]) {
    const out = output(page);
    await expect(out.locator('.run-head .verdict')).toHaveText('Wrong answer');
    await expect(out).toContainText('1 / 4 passed');
    const rows = out.getByRole('table').locator('tbody > tr');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toContainText('Wrong answer');
    await expect(rows.nth(2)).toContainText('Hidden');
    await expect(rows.nth(2)).toContainText('Wrong answer');
    await expect(rows.nth(3)).toContainText('Hidden');
    await expect(rows.nth(3)).toContainText('Accepted');
    // Hidden cases cannot be opened: there is nothing to show.
    await expect(rows.nth(2).getByRole('button')).toHaveCount(0);
  }

  // A visible case opens to its input, expected and actual output.
  const firstCase = bob.getByRole('button', { name: 'Case 1' });
  await firstCase.click();
  await expect(firstCase).toHaveAttribute('aria-expanded', 'true');
  const details = output(bob).locator('.case-details');
  await expect(details).toContainText('1 2');
  await expect(details).toContainText('3');
  await expect(details).toContainText('-1');
  // Nothing of the hidden cases' input reaches the page.
  await expect(output(bob)).not.toContainText('1000000000000');

  await writeProgram(ada, [bob], 'a, b = map(int, input().split())\nprint(a + b)');
  await runButton(ada, 'Run tests').click();
  for (const page of [ada, bob]) {
    await expect(output(page).locator('.run-head .verdict')).toHaveText('Accepted');
    await expect(output(page)).toContainText('4 / 4 passed');
  }
});

test('a judged run fits a phone screen', async ({ newPerson, createRoom }) => {
  const room = await createRoom('Phone run');
  const page = await newPerson({ viewport: { width: 375, height: 740 }, isMobile: true });
  await joinRoom(page, `/r/${room.id}`, 'Ada');
  await page.getByLabel('Problem').selectOption('sum-of-two');
  await writeProgram(page, [], 'a, b = map(int, input().split())\nprint(a + b)');
  await runButton(page, 'Run tests').click();
  await expect(output(page)).toContainText('4 / 4 passed');
  await page.getByRole('button', { name: 'Case 1' }).click();
  await expect(output(page).locator('.case-details')).toBeVisible();

  // Below the editor, the panel stacks; nothing makes the page scroll sideways.
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    body: document.body.scrollWidth - document.body.clientWidth,
  }));
  expect(overflow).toEqual({ page: 0, body: 0 });
  await output(page).getByRole('table').scrollIntoViewIfNeeded();
  await expect(output(page).getByRole('table')).toBeInViewport();
});

test('a function problem: the stub for the room’s language, then the function judged', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await ada.getByLabel('Problem').selectOption('two-sum-function');
  await expect(ada.getByRole('heading', { name: 'Two Sum (function)' })).toBeVisible();
  const signature = ada.getByRole('region', { name: 'Function to write' });
  await expect(signature).toContainText('twoSum(nums: int[], target: int) → int[]');
  await expect(signature).toContainText('any order');
  await expect(ada.locator('.problem-example').first()).toContainText('nums = [2,7,11,15]');

  // The editor is empty: the starter offered is the problem's Python stub.
  await expect(ada.getByText(/^twoSum stub in Python/)).toBeVisible();
  await ada.getByRole('button', { name: 'Insert starter code' }).click();
  const stub = 'def twoSum(nums: list[int], target: int) -> list[int]:\n    pass\n';
  await expectText([ada, bob], stub);

  await writeProgram(ada, [bob], 'def twoSum(nums, target):\n    return [0, 0]\n');
  await runButton(ada, 'Run tests').click();
  const secondCase = ada.getByRole('button', { name: 'Case 2' });
  await expect(output(ada).locator('.run-head .verdict')).toHaveText('Wrong answer');
  await secondCase.click();
  const details = output(ada).locator('.case-details');
  await expect(details).toContainText('nums = [3,2,4]');
  await expect(details.getByText('[1,2]', { exact: true })).toBeVisible();
  await expect(details.getByText('[0,0]', { exact: true })).toBeVisible();

  const solution = [
    'def twoSum(nums, target):',
    '    print("looking for", target)',
    '    seen = {}',
    '    for i, n in enumerate(nums):',
    '        if target - n in seen:',
    '            return [seen[target - n], i]',
    '        seen[n] = i',
  ].join('\n');
  await writeProgram(ada, [bob], solution);
  await runButton(ada, 'Run tests').click();
  for (const page of [ada, bob]) {
    await expect(output(page).locator('.run-head .verdict')).toHaveText('Accepted');
    await expect(output(page)).toContainText('5 / 5 passed');
  }
  await ada.getByRole('button', { name: 'Case 1' }).click();
  await expect(output(ada).locator('.case-details')).toContainText('looking for 9');
  await ada.screenshot({ path: test.info().outputPath('function-problem.png'), fullPage: true });
});
