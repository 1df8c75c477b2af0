import { expect, test } from './support/fixtures.js';
import { editor, editorText, expectAllSaved, joinRoom, presence } from './support/room.js';

test('a room created on the home page is shared by link and joined from another browser', async ({
  server,
  newPerson,
}) => {
  const host = await newPerson();
  await host.goto('/');
  await host.getByLabel('Room title').fill('Backend pairing');
  await host.getByLabel('Language').selectOption({ label: 'Go' });
  await host.getByRole('button', { name: 'Create room' }).click();

  await expect(host).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}$/);
  const link = host.getByLabel('Share link');
  await expect(link).toHaveValue(host.url());
  expect(host.url().startsWith(`${server.url}/r/`)).toBe(true);
  const shared = await link.inputValue();

  await host.getByLabel('Your name').fill('Ada');
  await host.getByRole('button', { name: 'Join room' }).click();
  await expectAllSaved(host);
  await expect(host.getByRole('heading', { name: 'Backend pairing' })).toBeVisible();
  await expect(host.getByLabel('Language')).toHaveValue('go');

  const guest = await newPerson();
  await guest.goto(shared);
  await expect(guest.getByRole('heading', { name: 'Join “Backend pairing”' })).toBeVisible();
  await expect(editor(guest)).toHaveCount(0);
  await guest.getByLabel('Your name').fill('Grace');
  await guest.getByRole('button', { name: 'Join room' }).click();
  await expectAllSaved(guest);

  for (const page of [host, guest]) {
    await expect(presence(page).getByRole('listitem')).toHaveCount(2);
    await expect(presence(page)).toContainText('Ada');
    await expect(presence(page)).toContainText('Grace');
  }
  await expect(presence(host).getByRole('listitem').first()).toContainText('Ada (you)');
  await expect(presence(guest).getByRole('listitem').first()).toContainText('Grace (you)');
});

test('an unknown room link says the room does not exist', async ({ newPerson }) => {
  const page = await newPerson();
  // Well-formed but never created, and malformed: both are simply unknown rooms.
  for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-a-room']) {
    await page.goto(`/r/${id}`);
    await expect(page.getByRole('heading', { name: 'This room does not exist' })).toBeVisible();
    await expect(page.getByLabel('Your name')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Go to the home page' })).toBeVisible();
  }
});

test('the room works in a narrow window', async ({ newPerson, createRoom }) => {
  const room = await createRoom('Phone interview');
  const page = await newPerson({ viewport: { width: 375, height: 740 }, isMobile: true });
  await joinRoom(page, `/r/${room.id}`, 'Ada');

  await expect(editor(page)).toBeInViewport();
  await editor(page).click();
  // Longer than the screen is wide: the editor scrolls it, the page must not.
  const line = 'total = first_value + second_value + third_value + fourth_value + fifth_value';
  await page.keyboard.type(line);
  await expect.poll(() => editorText(page)).toBe(line);
  await expectAllSaved(page);

  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    body: document.body.scrollWidth - document.body.clientWidth,
  }));
  expect(overflow).toEqual({ page: 0, body: 0 });
  await expect(page.getByLabel('Language')).toBeInViewport();
  await expect(page.getByRole('status')).toBeInViewport();
});
