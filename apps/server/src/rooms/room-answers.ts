/**
 * The body of `GET /api/rooms/:id`, serialized once per room read rather
 * than on every request (issue 5): `toRoom` (the date, the join link) and
 * the serializer were a tenth of the route's own CPU. The answers are keyed
 * by the identity of what the store returned, so they live exactly as long
 * as the room cache's entry (`CachedRoomStore` hands out the same object
 * until the room changes, its TTL passes or it is evicted) and follow its
 * invalidations without a second cache to keep in step. Without the room
 * cache every read is a new object and nothing is reused. One answer per
 * room read: the base URL comes from the Host header when PUBLIC_URL is
 * unset, and a client changing it only costs a new serialization.
 */
import { RoomSchema } from '@tandem/protocol';
import { fastSerializerCompiler } from '../http/fast-serializer.js';
import type { RoomWithKind } from '../store/store.js';
import { toRoom } from './room-view.js';

export class RoomAnswers {
  readonly #serialize = fastSerializerCompiler({ schema: RoomSchema });
  readonly #answers = new WeakMap<RoomWithKind, { baseUrl: string; body: Buffer }>();

  /** The room's JSON view (`RoomSchema`) for links under `baseUrl`, as bytes to send. */
  body(found: RoomWithKind, baseUrl: string): Buffer {
    const known = this.#answers.get(found);
    if (known !== undefined && known.baseUrl === baseUrl) return known.body;
    const body = Buffer.from(this.#serialize(toRoom(found.room, baseUrl, found.kind)));
    this.#answers.set(found, { baseUrl, body });
    return body;
  }
}
