import { test as base, type BrowserContextOptions, type Page } from '@playwright/test';
import { TandemApi } from '@tandem/client';
import type { LanguageId, Room } from '@tandem/protocol';
import { TandemServer } from './server.js';

export { expect } from '@playwright/test';

interface Options {
  /**
   * Give the test a server of its own instead of the worker's shared one: for
   * tests that kill or restart it. Set with `test.use({ ownServer: true })`.
   */
  ownServer: boolean;
  /** Extra environment for a test's own server (with `ownServer`), e.g. `{ SANDBOX_BACKEND: 'wasm' }`. */
  serverEnv: Record<string, string>;
}

interface Fixtures {
  /** The server this test talks to (shared, or its own); its log is attached on failure. */
  server: TandemServer;
  /** Creates a room through the REST API and returns it. */
  createRoom: (title?: string, language?: LanguageId) => Promise<Room>;
  /**
   * A page in a browser context of its own: a separate person, with separate
   * storage (so a separate name). Contexts are closed when the test ends.
   */
  newPerson: (options?: BrowserContextOptions) => Promise<Page>;
}

interface WorkerFixtures {
  /** One server for all tests of a worker that leave it running; each uses its own rooms. */
  sharedServer: TandemServer;
}

export const test = base.extend<Fixtures & Options, WorkerFixtures>({
  ownServer: [false, { option: true }],
  serverEnv: [{}, { option: true }],

  sharedServer: [
    // Playwright reads a fixture's dependencies from its destructuring pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await TandemServer.start();
      try {
        await use(server);
      } finally {
        await server.dispose();
      }
    },
    // Booting can take a minute on a loaded machine (PGlite, sandbox probes).
    { scope: 'worker', timeout: 180_000 },
  ],

  server: async ({ ownServer, serverEnv, sharedServer }, use, testInfo) => {
    const server = ownServer ? await TandemServer.start(serverEnv) : sharedServer;
    const logMark = server.logMark;
    try {
      await use(server);
    } finally {
      if (ownServer) await server.dispose();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('server.log', {
          body: server.logSince(logMark),
          contentType: 'text/plain',
        });
      }
    }
  },

  createRoom: async ({ server }, use) => {
    const api = new TandemApi(server.url);
    await use((title = 'E2E room', language = 'python') => api.createRoom({ title, language }));
  },

  newPerson: async ({ browser, server }, use, testInfo) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    try {
      await use(async (options) => {
        const context = await browser.newContext({ baseURL: server.url, ...options });
        contexts.push(context);
        return context.newPage();
      });
    } finally {
      const failed = testInfo.status !== testInfo.expectedStatus;
      for (const [i, context] of contexts.entries()) {
        // The default screenshot covers the default page only; these pages are ours.
        if (failed) {
          for (const page of context.pages()) {
            await testInfo.attach(`person-${i + 1}.png`, {
              body: await page.screenshot({ fullPage: true }).catch(() => Buffer.alloc(0)),
              contentType: 'image/png',
            });
          }
        }
        await context.close();
      }
    }
  },
});
