/** The systems compared, in the order each round runs them. */
export const SYSTEMS = ['ours', 'y-websocket', 'hocuspocus', 'raw-ws'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/** The peers that keep a Yjs document (the floor only relays bytes). */
export const YJS_PEERS = ['y-websocket', 'hocuspocus'] as const satisfies readonly SystemName[];

export function isSystem(name: string): name is SystemName {
  return (SYSTEMS as readonly string[]).includes(name);
}
