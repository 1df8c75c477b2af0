import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import {
  NOTES_TEXT_KEY,
  errorBody,
  type ClientToServerEvents,
  type ErrorBody,
  type ServerToClientEvents,
} from '@tandem/protocol';
import { bytes } from './binary.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The interviewers' private notes of an interview room: a Yjs document of its
 * own, synced over the room's socket with `notes:sync` / `notes:update`, and
 * only ever sent to staff. A failed send is repaired by the next sync (every
 * reconnect), which sends whatever the server lacks.
 */
export class NotesSync {
  readonly doc = new Y.Doc();
  readonly text: Y.Text = this.doc.getText(NOTES_TEXT_KEY);
  synced = false;

  constructor(
    private readonly socket: ClientSocket,
    private readonly ackTimeoutMs: number,
    private readonly onError: (err: ErrorBody) => void,
  ) {
    this.doc.on('updateV2', this.onLocal);
    socket.on('notes:update', this.onRemote);
  }

  /** Two-way sync: receive what we lack, send what the server lacks. */
  async sync(): Promise<void> {
    let reply;
    try {
      reply = await this.socket
        .timeout(this.ackTimeoutMs)
        .emitWithAck('notes:sync', Y.encodeStateVector(this.doc));
    } catch {
      return; // timed out: the next reconnect syncs again
    }
    if (!reply.ok) return this.onError(reply);
    Y.applyUpdateV2(this.doc, bytes(reply.update), this);
    const serverSv = Y.decodeStateVector(bytes(reply.sv));
    const ours = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    if ([...ours].some(([client, clock]) => (serverSv.get(client) ?? 0) < clock)) {
      this.send(Y.encodeStateAsUpdateV2(this.doc, bytes(reply.sv)));
    }
    this.synced = true;
  }

  destroy(): void {
    this.socket.off('notes:update', this.onRemote);
    this.doc.off('updateV2', this.onLocal);
    this.doc.destroy();
  }

  private send(update: Uint8Array): void {
    if (!this.socket.connected) return;
    this.socket.timeout(this.ackTimeoutMs).emit('notes:update', update, (err, reply) => {
      if (err) return;
      if (!reply.ok) this.onError(reply);
    });
  }

  private readonly onLocal = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this) this.send(update);
  };

  private readonly onRemote = (update: Uint8Array): void => {
    try {
      Y.applyUpdateV2(this.doc, bytes(update), this);
    } catch {
      this.onError(
        errorBody('MALFORMED_UPDATE', 'the server sent a notes update this client cannot read'),
      );
    }
  };
}
