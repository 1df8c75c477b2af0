export { TandemApi, type TandemApiOptions } from './rest.js';
export { TandemError, TandemApiError } from './errors.js';
export {
  RoomConnection,
  type ConnectionStatus,
  type RoomConnectionOptions,
} from './room-connection.js';
export { PendingUpdates } from './pending.js';
export { NotesSync } from './notes.js';
