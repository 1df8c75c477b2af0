import { randomBytes } from 'node:crypto';
import type { Room } from '@tandem/protocol';
import type { StoredRoom } from '../store/store.js';

/** 128 random bits, base64url: the room link is the key, so it must not be guessable. */
export function newRoomId(): string {
  return randomBytes(16).toString('base64url');
}

/** The public view of a room; `baseUrl` is PUBLIC_URL or the origin the request came to. */
export function toRoom(room: StoredRoom, baseUrl: string, kind: Room['kind']): Room {
  return {
    id: room.id,
    title: room.title,
    language: room.language,
    createdAt: room.createdAt.toISOString(),
    joinUrl: new URL(`/r/${room.id}`, baseUrl).toString(),
    kind,
  };
}
