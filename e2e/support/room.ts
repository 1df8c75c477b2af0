import { expect, type Locator, type Page } from '@playwright/test';

/** The CodeMirror content element (role textbox, named by its aria-label). */
export function editor(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Code editor' });
}

/** The connection indicator: "Connected · All changes saved", "Reconnecting… · Saving 3 changes…". */
export function connection(page: Page): Locator {
  return page.getByRole('status');
}

export function presence(page: Page): Locator {
  return page.getByRole('list', { name: 'People in this room' });
}

/** Waits until the server has acknowledged every local edit. */
export async function expectAllSaved(page: Page): Promise<void> {
  await expect(connection(page)).toHaveText(/Connected\W*All changes saved/);
}

/** Opens `path`, gives `name` on the join form and waits until the room is connected. */
export async function joinRoom(page: Page, path: string, name: string): Promise<void> {
  await page.goto(path);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join room' }).click();
  await expect(editor(page)).toBeVisible();
  await expectAllSaved(page);
}

/**
 * The document as the editor shows it: one string per rendered line, joined
 * with newlines. Widgets that are not text (remote carets with their name
 * labels, the placeholder) are left out. Short documents are rendered whole.
 */
export function editorText(page: Page): Promise<string> {
  return editor(page).evaluate((content) => {
    const copy = content.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.cm-ySelectionCaret, .cm-placeholder').forEach((el) => el.remove());
    return Array.from(copy.querySelectorAll(':scope > .cm-line'), (line) => line.textContent).join(
      '\n',
    );
  });
}

/** Waits until every page's editor shows `expected`. */
export async function expectText(pages: Page[], expected: string): Promise<void> {
  for (const page of pages) {
    await expect.poll(() => editorText(page)).toBe(expected);
  }
}

/** Focuses the editor and moves the cursor to the end of line `line` (1-based). */
export async function placeCursorAtEndOfLine(page: Page, line: number): Promise<void> {
  await editor(page).click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}
