import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import {
  editor,
  editorText,
  expectAllSaved,
  expectText,
  joinRoom,
  placeCursorAtEndOfLine,
  presence,
} from './support/room.js';

/** The text of the first line up to the (only) remote caret on it. */
function textBeforeRemoteCaret(page: Page): Promise<string | null> {
  return page
    .locator('.cm-line')
    .first()
    .evaluate((line) => {
      const caret = line.querySelector('.cm-ySelectionCaret');
      if (!caret || !line.firstChild) return null;
      const range = document.createRange();
      range.setStartBefore(line.firstChild);
      range.setEndBefore(caret);
      return range.toString();
    });
}

/** Two people in one fresh room, both connected. */
async function pair(
  newPerson: () => Promise<Page>,
  createRoom: () => Promise<{ id: string }>,
): Promise<{ ada: Page; bob: Page; path: string }> {
  const room = await createRoom();
  const path = `/r/${room.id}`;
  const [ada, bob] = await Promise.all([newPerson(), newPerson()]);
  await joinRoom(ada, path, 'Ada');
  await joinRoom(bob, path, 'Bob');
  return { ada, bob, path };
}

test('two people typing at the same time converge on the same text', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await editor(ada).click();
  await ada.keyboard.type('first line');
  await ada.keyboard.press('Enter');
  await ada.keyboard.type('second line');
  await expectText([ada, bob], 'first line\nsecond line');

  await placeCursorAtEndOfLine(ada, 1);
  await placeCursorAtEndOfLine(bob, 2);
  const byAda = ' abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKL'; // 40 characters
  const byBob = ' 0123456789 9876543210 0123456789 987654'; // 40 characters
  await Promise.all([
    ada.keyboard.type(byAda, { delay: 10 }),
    bob.keyboard.type(byBob, { delay: 10 }),
  ]);

  const expected = `first line${byAda}\nsecond line${byBob}`;
  await expectText([ada, bob], expected);
  await Promise.all([expectAllSaved(ada), expectAllSaved(bob)]);
});

test('two people typing at the same spot keep every character, in order', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await editor(ada).click();
  await ada.keyboard.type('x = ');
  await expectText([ada, bob], 'x = ');

  await placeCursorAtEndOfLine(ada, 1);
  await placeCursorAtEndOfLine(bob, 1);
  const byAda = 'abcdefghijklmnopqrst';
  const byBob = '01234567890123456789';
  await Promise.all([
    ada.keyboard.type(byAda, { delay: 10 }),
    bob.keyboard.type(byBob, { delay: 10 }),
  ]);
  await Promise.all([expectAllSaved(ada), expectAllSaved(bob)]);

  const text = await editorText(ada);
  await expectText([bob], text);
  expect(text.startsWith('x = ')).toBe(true);
  const typed = text.slice('x = '.length);
  expect(typed).toHaveLength(byAda.length + byBob.length);
  // Each person's keystrokes survive in the order they were typed, however interleaved.
  expect(typed.replace(/[^a-z]/g, '')).toBe(byAda);
  expect(typed.replace(/[^0-9]/g, '')).toBe(byBob);
});

test("each person sees the other's cursor with their name, and both in the presence list", async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await editor(ada).click();
  await ada.keyboard.type('print answer');
  await expectText([ada, bob], 'print answer');
  await placeCursorAtEndOfLine(bob, 1);
  await ada.keyboard.press('Home');

  for (const [me, other] of [
    [ada, 'Bob'],
    [bob, 'Ada'],
  ] as const) {
    const carets = me.locator('.cm-ySelectionCaret');
    await expect(carets).toHaveCount(1);
    const label = carets.locator('.cm-ySelectionInfo');
    await expect(label).toHaveText(other);
    await expect(label).toBeVisible();
    await expect(label).toHaveCSS('opacity', '1');
    await expect(presence(me).getByRole('listitem')).toHaveCount(2);
    await expect(presence(me)).toContainText(other);
  }
  await expect(presence(ada)).toContainText('Ada (you)');
  await expect(presence(bob)).toContainText('Bob (you)');

  // Each caret is where its owner put it: Ada at the start of the line, Bob at its end.
  await expect.poll(() => textBeforeRemoteCaret(bob)).toBe('');
  await expect.poll(() => textBeforeRemoteCaret(ada)).toBe('print answer');
});

test('a language picked by one person changes it for the other', async ({
  newPerson,
  createRoom,
}) => {
  const { ada, bob } = await pair(newPerson, createRoom);
  await expect(bob.getByLabel('Language')).toHaveValue('python');

  await ada.getByLabel('Language').selectOption({ label: 'Rust' });
  await expect(bob.getByLabel('Language')).toHaveValue('rust');
  await expect(ada.getByLabel('Language')).toHaveValue('rust');

  await bob.getByLabel('Language').selectOption({ label: 'TypeScript' });
  await expect(ada.getByLabel('Language')).toHaveValue('typescript');

  // The language is a room setting: someone arriving later gets it too.
  await ada.reload();
  await expect(ada.getByLabel('Language')).toHaveValue('typescript');
});
