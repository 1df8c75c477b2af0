import { expect, test } from './support/fixtures.js';
import {
  connection,
  editor,
  editorText,
  expectAllSaved,
  expectText,
  joinRoom,
  placeCursorAtEndOfLine,
} from './support/room.js';

// These tests kill and restart the server: each gets one of its own.
test.use({ ownServer: true });

test('a server killed with SIGKILL mid-typing and restarted loses no character', async ({
  server,
  newPerson,
  createRoom,
}) => {
  const room = await createRoom();
  const path = `/r/${room.id}`;
  const [ada, bob] = await Promise.all([newPerson(), newPerson()]);
  await joinRoom(ada, path, 'Ada');
  await joinRoom(bob, path, 'Bob');

  await editor(ada).click();
  await ada.keyboard.type('ada:');
  await ada.keyboard.press('Enter');
  await ada.keyboard.type('bob:');
  await expectText([ada, bob], 'ada:\nbob:');
  await placeCursorAtEndOfLine(ada, 1);
  await placeCursorAtEndOfLine(bob, 2);

  // Acknowledged text: what the server confirmed before the crash.
  await Promise.all([ada.keyboard.type(' saved'), bob.keyboard.type(' saved')]);
  await Promise.all([expectAllSaved(ada), expectAllSaved(bob)]);
  const acknowledged = await editorText(ada);
  expect(acknowledged).toBe('ada: saved\nbob: saved');

  // Both keep typing while the server dies under them: it is killed as soon as
  // Ada's first keystrokes have reached Bob, with most of the typing still to come.
  const adaDuring = ' abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKL';
  const bobDuring = ' 0123456789 9876543210 0123456789 987654';
  await Promise.all([
    ada.keyboard.type(adaDuring, { delay: 20 }),
    bob.keyboard.type(bobDuring, { delay: 20 }),
    (async () => {
      await expect.poll(() => editorText(bob), { intervals: [20] }).toContain('ada: saved abc');
      await server.kill();
    })(),
  ]);
  for (const page of [ada, bob]) {
    await expect(connection(page)).toContainText('Reconnecting…');
  }

  // ...and during the outage, where nothing can be acknowledged.
  const adaOffline = ' while the server is down';
  const bobOffline = ' 9876543210 still typing';
  await Promise.all([ada.keyboard.type(adaOffline), bob.keyboard.type(bobOffline)]);
  for (const page of [ada, bob]) {
    await expect(connection(page)).toContainText('Reconnecting…');
    await expect(connection(page)).toContainText(/Saving \d+ changes?…/);
  }

  await server.restart();
  await Promise.all([expectAllSaved(ada), expectAllSaved(bob)]);
  const expected = `ada: saved${adaDuring}${adaOffline}\nbob: saved${bobDuring}${bobOffline}`;
  await expectText([ada, bob], expected);

  // What the clients converged on is what the server kept: a newcomer loads it.
  const cy = await newPerson();
  await joinRoom(cy, path, 'Cy');
  await expectText([cy], expected);
});

test('reloading the page, and restarting the server, keep the text', async ({
  server,
  newPerson,
  createRoom,
}) => {
  const room = await createRoom();
  const path = `/r/${room.id}`;
  const [ada, bob] = await Promise.all([newPerson(), newPerson()]);
  await joinRoom(ada, path, 'Ada');
  await joinRoom(bob, path, 'Bob');
  const text = 'total = 0\nprint total';
  await editor(ada).click();
  await ada.keyboard.type('total = 0');
  await ada.keyboard.press('Enter');
  await ada.keyboard.type('print total');
  await expectText([ada, bob], text);
  await expectAllSaved(ada);

  await ada.reload();
  await expectAllSaved(ada);
  await expectText([ada], text);

  await Promise.all([ada.close(), bob.close()]);
  await server.kill();
  await server.restart();
  const later = await newPerson();
  await joinRoom(later, path, 'Cy');
  await expectText([later], text);
});
