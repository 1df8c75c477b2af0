import type { SystemName } from '../systems.js';
import { hocuspocusWire } from './hocuspocus.js';
import { tandemWire } from './tandem.js';
import type { WireClient } from './types.js';
import { yWebsocketWire } from './y-websocket.js';

/** The floor relays without a document, so it has no wire client for replay or join. */
export function wireFor(system: SystemName, url: string): WireClient | undefined {
  switch (system) {
    case 'ours':
      return tandemWire(url);
    case 'y-websocket':
      return yWebsocketWire(url);
    case 'hocuspocus':
      return hocuspocusWire(url);
    case 'raw-ws':
      return undefined;
  }
}
