import type { SystemName } from '../systems.js';
import { hocuspocusClient } from './hocuspocus.js';
import { rawWsClient } from './raw-ws.js';
import { tandemClient } from './tandem.js';
import type { SystemClient } from './types.js';
import { yWebsocketClient } from './y-websocket.js';

export function clientFor(system: SystemName, url: string): Promise<SystemClient> {
  switch (system) {
    case 'ours':
      return tandemClient(url);
    case 'y-websocket':
      return Promise.resolve(yWebsocketClient(url));
    case 'hocuspocus':
      return Promise.resolve(hocuspocusClient(url));
    case 'raw-ws':
      return Promise.resolve(rawWsClient(url));
  }
}
