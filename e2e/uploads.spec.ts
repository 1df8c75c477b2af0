import { randomUUID } from 'node:crypto';
import { expect, test } from './support/fixtures.js';

/** An 8x8 RGB PNG, whole and valid. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQqziBFTEMLQkABkZXgRDDjAEAAAAASUVORK5CYII=',
  'base64',
);

/** The smallest PDF the server takes: the `%PDF-` magic bytes and an `%%EOF` trailer. */
const PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
);

test('a person uploads an avatar and a resume on the settings page, and a non-PDF resume is refused', async ({
  newPerson,
}) => {
  const page = await newPerson();
  await page.goto('/signup');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(`grace-${randomUUID()}@example.com`);
  await page.getByLabel('Password').fill('a long and quite unusual passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole('link', { name: 'Grace Hopper' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const avatar = page.getByRole('region', { name: 'Avatar' });
  const resume = page.getByRole('region', { name: 'Resume' });
  await expect(avatar.getByText('No avatar yet')).toBeVisible();
  await expect(resume.getByText('No resume yet')).toBeVisible();

  // Avatar: the preview is the server's re-encoded image, really loaded.
  await avatar
    .getByLabel('Upload an avatar')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
  const preview = avatar.getByRole('img', { name: 'Your avatar' });
  await expect(preview).toBeVisible();
  await expect(preview).toHaveAttribute('src', /^\/api\/users\/[^/]+\/avatar\?v=/);
  await expect
    .poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(256);
  await expect(avatar.getByLabel('Replace the avatar')).toBeVisible();

  // Over the limit: told before anything is sent, and the current avatar stays.
  await avatar.getByLabel('Replace the avatar').setInputFiles({
    name: 'huge.png',
    mimeType: 'image/png',
    buffer: Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]),
  });
  await expect(avatar.getByRole('alert')).toContainText('huge.png is 6.0 MB; the limit is 5.0 MB');
  await expect(preview).toBeVisible();

  // Resume: name, size, and the download carries the same bytes.
  await resume
    .getByLabel('Upload a resume')
    .setInputFiles({ name: 'Grace CV.pdf', mimeType: 'application/pdf', buffer: PDF });
  await expect(resume.getByText('Grace_CV.pdf', { exact: true })).toBeVisible();
  await expect(resume).toContainText(`${PDF.length} bytes`);
  const downloading = page.waitForEvent('download');
  await resume.getByRole('button', { name: 'Download Grace_CV.pdf' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('Grace_CV.pdf');
  const saved = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of saved) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(PDF)).toBe(true);

  // A PNG named .pdf and sent as application/pdf: the bytes decide, and the person is told.
  await resume
    .getByLabel('Replace the resume')
    .setInputFiles({ name: 'not-really.pdf', mimeType: 'application/pdf', buffer: PNG });
  await expect(resume.getByRole('alert')).toContainText('This file is a PNG file');
  await expect(resume.getByRole('alert')).toContainText('send a PDF');
  await resume.screenshot({ path: '/tmp/oauthweb-resume-error.png' });
  await expect(resume.getByText('Grace_CV.pdf', { exact: true })).toBeVisible();

  // Both survive a reload (they are the server's, not the page's).
  await page.reload();
  await expect(avatar.getByRole('img', { name: 'Your avatar' })).toBeVisible();
  await expect(resume.getByText('Grace_CV.pdf', { exact: true })).toBeVisible();
  await page.screenshot({ path: '/tmp/oauthweb-settings.png', fullPage: true });

  await avatar.getByRole('button', { name: 'Remove avatar' }).click();
  await expect(avatar.getByText('No avatar yet')).toBeVisible();
  await resume.getByRole('button', { name: 'Remove resume' }).click();
  await expect(resume.getByText('No resume yet')).toBeVisible();
});

test('the sign-in page shows no provider buttons when none is configured, and explains a failed provider sign-in', async ({
  newPerson,
}) => {
  const page = await newPerson();
  const providers = page.waitForResponse((r) => r.url().endsWith('/api/auth/providers'));
  await page.goto('/signin?oauth_error=OAUTH_STATE_MISMATCH');
  const answer = await providers;
  expect(await answer.json()).toEqual({ providers: [] });
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(
    'The sign-in could not be matched to this browser',
  );
  await expect(page.getByRole('link', { name: /^Continue with/ })).toHaveCount(0);
  await expect(page.getByText('or', { exact: true })).toHaveCount(0);
  await page.screenshot({ path: '/tmp/oauthweb-signin.png', fullPage: true });
});

test.describe('with GitHub configured', () => {
  // Only the button is under test here: the client id never reaches GitHub.
  test.use({
    ownServer: true,
    serverEnv: { GITHUB_CLIENT_ID: 'e2e-client', GITHUB_CLIENT_SECRET: 'e2e-secret' },
  });

  test('sign-in and sign-up offer "Continue with GitHub", linking to the server\'s start route', async ({
    newPerson,
  }) => {
    const page = await newPerson();
    for (const path of ['/signin', '/signup']) {
      await page.goto(path);
      const button = page.getByRole('link', { name: 'Continue with GitHub' });
      await expect(button).toBeVisible();
      expect(new URL((await button.getAttribute('href')) ?? '').pathname).toBe(
        '/api/auth/oauth/github/start',
      );
      await expect(page.getByRole('link', { name: /^Continue with/ })).toHaveCount(1);
    }
    await page.goto('/signin');
    await expect(page.getByRole('link', { name: 'Continue with GitHub' })).toBeVisible();
    await page.screenshot({ path: '/tmp/oauthweb-signin-github.png', fullPage: true });
  });
});
