import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { expect, test } from './support/fixtures.js';
import { expectAllSaved } from './support/room.js';

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

test('a person turns on two-factor authentication, then signs in with a code from the app', async ({
  newPerson,
}, testInfo) => {
  const page = await newPerson();
  const email = `grace-${randomUUID()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  const account = page.getByRole('navigation', { name: 'Account' });
  await account.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByLabel('Name')).toHaveValue('Grace Hopper');
  await page.screenshot({ path: testInfo.outputPath('settings.png'), fullPage: true });

  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByAltText('QR code to add Tandem to your authenticator app')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('settings-2fa-enrol.png'), fullPage: true });
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]+$/);

  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  await expect(page.getByRole('alert')).toContainText('wrong');
  // The confirmation uses the previous step's code, so the current one is left for sign-in.
  const step = Math.floor(Date.now() / 30_000);
  await page
    .getByLabel('Code from the app')
    .fill(await generate({ secret, epoch: (step - 1) * 30 + 15 }));
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();
  const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await page.screenshot({ path: testInfo.outputPath('settings-2fa-codes.png'), fullPage: true });
  await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
  await expect(page.getByText('10 of 10 recovery codes left')).toBeVisible();

  await account.getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath('signin-code.png') });
  await page.getByLabel('Authentication code').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(account).toContainText('Signed in as Grace Hopper');
});

test('signing out in one tab ends the room open in another, with a way back in', async ({
  newPerson,
}, testInfo) => {
  const page = await newPerson();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(`ada-${randomUUID()}@example.com`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.getByLabel('Room title').fill('Signed in');
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}$/);
  const roomPath = new URL(page.url()).pathname;
  await page.getByLabel('Your name').fill('Ada');
  await page.getByRole('button', { name: 'Join room' }).click();
  await expectAllSaved(page);

  const other = await page.context().newPage();
  await other.goto('/');
  await other
    .getByRole('navigation', { name: 'Account' })
    .getByRole('button', { name: 'Sign out' })
    .click();

  await expect(page.getByRole('heading', { name: 'You signed out' })).toBeVisible();
  await expect(page.getByText('Sign in again to rejoin')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('room-signed-out.png') });
  const back = page.getByRole('link', { name: 'Sign in again' });
  await back.click();
  await expect(page).toHaveURL(new RegExp(`/signin\\?next=${encodeURIComponent(roomPath)}`));
});
