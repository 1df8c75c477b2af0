import { randomUUID } from 'node:crypto';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { editor, editorText } from './support/room.js';

const PASSWORD = 'a long and quite unusual passphrase';
// The first two rungs of the two-sum hint ladder (problems/two-sum.json).
const FIRST_HINT = /tell instantly whether its partner came earlier/;
const SECOND_HINT = /A hash map from value to index/;

async function signUp(page: Page, name: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page
    .getByLabel('Email')
    .fill(`${name.split(' ')[0]!.toLowerCase()}-${randomUUID()}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** A screenshot at desktop width and one at phone width, for the reviewer's eyes. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}-desktop.png`), fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath(`${name}-phone.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Interviewer panel' });

test('an interview: two interviewers, a candidate admitted from the lobby, a hint, a lock, the end', async ({
  newPerson,
}, testInfo) => {
  test.setTimeout(180_000);
  const host = await newPerson({ viewport: { width: 1400, height: 900 } });
  await signUp(host, 'Hana Host');
  await host.getByLabel('Interview title').fill('Backend — Cleo');
  await host.getByLabel('First problem').selectOption('two-sum');
  await host.getByRole('button', { name: 'Create interview' }).click();
  const candidateLink = await host.getByLabel('Candidate link').inputValue();
  const interviewerLink = await host.getByLabel('Interviewer link').inputValue();
  expect(candidateLink).toMatch(/\/join\/[\w-]{22}#[\w-]{22}$/);
  expect(interviewerLink).toMatch(/\/team\/[\w-]{22}#[\w-]{22}$/);
  expect(new URL(candidateLink).hash).not.toBe(new URL(interviewerLink).hash);
  await shoot(host, testInfo, 'interview-created');
  await host.getByRole('button', { name: 'Open the interview room' }).click();
  await expect(panel(host)).toBeVisible();

  const second = await newPerson({ viewport: { width: 1400, height: 900 } });
  await signUp(second, 'Ivan Second');
  await second.goto(interviewerLink);
  await expect(panel(second)).toBeVisible();
  await expect(panel(host).getByText('Ivan Second')).toBeVisible();

  const candidate = await newPerson({ viewport: { width: 1400, height: 900 } });
  await candidate.goto(candidateLink);
  await candidate.getByLabel('Your name').fill('Cleo Candidate');
  await candidate.getByLabel('Email (optional)').fill('cleo@example.com');
  await candidate.getByRole('button', { name: 'Ask to join' }).click();
  await expect(
    candidate.getByRole('heading', { name: 'You’re in the lobby, Cleo Candidate' }),
  ).toBeVisible();
  await expect(
    candidate.getByText('Integrity signals collected in this interview: none yet'),
  ).toBeVisible();
  // The interviewer panel is never sent to a candidate, let alone shown.
  await expect(panel(candidate)).toHaveCount(0);
  await shoot(candidate, testInfo, 'lobby');

  // Both interviewers see the request at once; one admits; it disappears for the other.
  const admit = (page: Page) => page.getByRole('button', { name: 'Admit Cleo Candidate' });
  await expect(admit(host)).toBeVisible();
  await expect(admit(second)).toBeVisible();
  await shoot(host, testInfo, 'panel-lobby-request');
  await admit(second).click();
  await expect(admit(host)).toHaveCount(0);
  await expect(admit(second)).toHaveCount(0);

  // The candidate enters without reloading, and edits; the interviewers see the text.
  await expect(editor(candidate)).toBeVisible();
  await expect(panel(candidate)).toHaveCount(0);
  await editor(candidate).click();
  await candidate.keyboard.type('print(42)');
  for (const page of [host, second]) {
    await expect.poll(() => editorText(page)).toContain('print(42)');
  }

  // The host reveals a hint: the candidate sees it, and only it.
  await host.getByRole('button', { name: /Reveal next hint \(1 of 3\)/ }).click();
  await expect(candidate.getByText(FIRST_HINT)).toBeVisible();
  await expect(candidate.getByText('1 of 3 revealed')).toBeVisible();
  await expect(candidate.getByText(SECOND_HINT)).toHaveCount(0);

  // The host locks the editor: the candidate can no longer type.
  await host.getByRole('button', { name: 'Lock editor' }).click();
  await expect(candidate.getByText('Editor locked by the interviewer.')).toBeVisible();
  await expect(editor(candidate)).toHaveAttribute('contenteditable', 'false');
  const before = await editorText(candidate);
  await editor(candidate).click();
  await candidate.keyboard.type('zzz');
  expect(await editorText(candidate)).toBe(before);
  await expect.poll(() => editorText(host)).not.toContain('zzz');
  await shoot(candidate, testInfo, 'candidate-locked-with-hint');

  // The host ends the interview after confirming: read-only for everyone.
  await host.getByRole('button', { name: 'End interview…' }).click();
  await host.getByRole('button', { name: 'Yes, end the interview' }).click();
  for (const page of [host, second, candidate]) {
    await expect(
      page.getByText('This interview has ended. Everything is read-only now.'),
    ).toBeVisible();
    await expect(editor(page)).toHaveAttribute('contenteditable', 'false');
  }
  await shoot(host, testInfo, 'host-ended');
  await shoot(candidate, testInfo, 'candidate-ended');
});
