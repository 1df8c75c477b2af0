import type { RoomCommand } from '@tandem/protocol';
import { AppError } from '../errors.js';
import type { Store, StoredRoom, RoomPatch } from '../store/store.js';

/**
 * Applies a validated room command: the state change and its timeline entry in
 * one transaction. Authorisation happens before this (every participant may
 * change settings until roles exist).
 */
export async function applyRoomCommand(
  store: Store,
  roomId: string,
  command: RoomCommand,
  actor: string,
): Promise<StoredRoom> {
  let patch: RoomPatch;
  let type: string;
  switch (command.type) {
    case 'set-language':
      patch = { language: command.language };
      type = 'room.language-changed';
      break;
    case 'set-title':
      patch = { title: command.title };
      type = 'room.title-changed';
      break;
  }
  const room = await store.updateRoom(roomId, patch, {
    type,
    actor,
    payload: { ...patch },
    at: new Date(),
  });
  if (!room) throw new AppError('ROOM_NOT_FOUND');
  return room;
}
