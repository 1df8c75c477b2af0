import { randomBytes } from 'node:crypto';
import type { Room } from '@tandem/protocol';
import type { StoredRoom } from '../store/store.js';

/** 128 random bits, base64url: the room link is the key, so it must not be guessable. */
export function newRoomId(): string {
  return randomBytes(16).toString('base64url');
}

/** Characters the URL parser leaves as they are in a path segment (every id we issue). */
const PLAIN_ID = /^[A-Za-z0-9_-]+$/;
let lastBase: string | undefined;
let lastPrefix = '';

/**
 * `new URL(`/r/${id}`, baseUrl).href`, parsing each base once: the base is
 * PUBLIC_URL or the request's own origin, the same for nearly every call,
 * and the parse was a fifth of a room read's own work.
 */
function joinUrl(id: string, baseUrl: string): string {
  if (!PLAIN_ID.test(id)) return new URL(`/r/${id}`, baseUrl).href;
  if (baseUrl !== lastBase) {
    lastPrefix = new URL('/r/', baseUrl).href;
    lastBase = baseUrl;
  }
  return lastPrefix + id;
}

/** The public view of a room; `baseUrl` is PUBLIC_URL or the origin the request came to. */
export function toRoom(room: StoredRoom, baseUrl: string, kind: Room['kind']): Room {
  return {
    id: room.id,
    title: room.title,
    language: room.language,
    createdAt: room.createdAt.toISOString(),
    joinUrl: joinUrl(room.id, baseUrl),
    kind,
  };
}
