import { randomUUID } from 'node:crypto';
import { expect, test } from './support/fixtures.js';

const PASSWORD = 'a long and quite unusual passphrase';

test('a person signs up, stays signed in across a reload, signs out and signs in again', async ({
  newPerson,
}, testInfo) => {
  const page = await newPerson();
  const email = `ada-${randomUUID()}@example.com`;
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'Account' })
    .getByRole('link', { name: 'Sign up' })
    .click();
  await expect(page).toHaveURL(/\/signup$/);

  // Errors a person can act on, next to their fields.
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Name')).toBeFocused();
  await expect(page.getByText('Enter your name')).toBeVisible();
  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('one of the most common')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath('signup-error.png') });

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);
  const account = page.getByRole('navigation', { name: 'Account' });
  await expect(account).toContainText('Signed in as Ada Lovelace');
  await page.screenshot({ path: testInfo.outputPath('home-signed-in.png') });

  await page.reload();
  await expect(account).toContainText('Signed in as Ada Lovelace');

  await account.getByRole('button', { name: 'Sign out' }).click();
  await expect(account.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(account.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await account.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(`${PASSWORD}!`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('The email address or the password is wrong');
  await page.screenshot({ path: testInfo.outputPath('signin-error.png') });
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(account).toContainText('Signed in as Ada Lovelace');
});
