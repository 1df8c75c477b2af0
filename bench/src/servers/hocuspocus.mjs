// @hocuspocus/server@3.4.4 with no extensions. Run as a child process by the
// bench; reports its port over IPC. With PERSIST_DIR set, documents are loaded
// from and stored to V1 state files through Hocuspocus's own hooks.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const persistDir = process.env.PERSIST_DIR;
const file = (name) => join(persistDir ?? '', `${encodeURIComponent(name)}.hocuspocus.bin`);

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  debounce: 200,
  maxDebounce: 1000,
  ...(persistDir
    ? {
        onLoadDocument: async ({ documentName, document }) => {
          if (existsSync(file(documentName)))
            Y.applyUpdate(document, readFileSync(file(documentName)));
        },
        onStoreDocument: async ({ documentName, document }) => {
          writeFileSync(file(documentName), Y.encodeStateAsUpdate(document));
        },
      }
    : {}),
});

await server.listen();
process.send?.({ port: server.address.port });
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
