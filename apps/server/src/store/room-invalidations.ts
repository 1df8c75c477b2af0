/**
 * Keeps every node's room cache in step through Redis: a node that changed a
 * room publishes its id on `<prefix>:rooms:changed`, and every node drops that
 * room from its cache when the message arrives. Pub/sub forgets what it sent
 * while a subscriber was away, so the cache is suspended (every read goes to
 * the database) from the moment the subscriber's connection closes until the
 * subscription is confirmed again, and it resumes empty. What is left is the
 * time a message takes to arrive, and a message never sent (its node died
 * between the commit and the publish, or lost only its own link to Redis):
 * ROOM_CACHE_TTL_MS bounds that.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { RoomCache } from './room-cache.js';

/** What the feed does to a cache. */
type Invalidated = Pick<RoomCache<object>, 'invalidate' | 'suspend' | 'resume' | 'suspended'>;

export class RoomInvalidations {
  readonly #channel: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #cache: Invalidated;
  readonly #logger: Logger;
  /** Moves on every close of the subscriber: a subscription confirmed for an older connection resumes nothing. */
  #connection = 0;
  #closed = false;

  constructor(options: { redisUrl: string; prefix: string; cache: Invalidated; logger: Logger }) {
    this.#channel = `${options.prefix}:rooms:changed`;
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#cache.suspend();
    this.#publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    this.#publisher.on('error', (err: Error) =>
      this.#logger.warn({ err }, 'room invalidation publisher: Redis error'),
    );
    // Subscribed by hand on every ready connection, so the cache resumes only once Redis confirms it.
    this.#subscriber = new Redis(options.redisUrl, { autoResubscribe: false });
    this.#subscriber.on('error', (err: Error) =>
      this.#logger.warn({ err }, 'room invalidation subscriber: Redis error'),
    );
    this.#subscriber.on('close', () => {
      this.#connection++;
      if (!this.#cache.suspended) this.#logger.warn('room cache suspended: Redis is out of reach');
      this.#cache.suspend();
    });
    this.#subscriber.on('ready', () => void this.#subscribe());
    this.#subscriber.on('message', (channel: string, roomId: string) => {
      if (channel === this.#channel) this.#cache.invalidate(roomId);
    });
  }

  /** True while the cache serves reads: subscribed and confirmed. */
  get listening(): boolean {
    return !this.#cache.suspended;
  }

  /** Tells every node (this one included) that `roomId` changed. Never throws; a failure is logged. */
  publish(roomId: string): void {
    this.#publisher.publish(this.#channel, roomId).catch((err: unknown) => {
      this.#logger.warn({ err, roomId }, 'room change not published; other nodes wait for the TTL');
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      [this.#publisher, this.#subscriber].map((r) => r.quit().catch(() => r.disconnect())),
    );
  }

  async #subscribe(): Promise<void> {
    const connection = this.#connection;
    try {
      await this.#subscriber.subscribe(this.#channel);
    } catch (err) {
      // The connection is going away; its 'close' and the next 'ready' try again.
      if (!this.#closed) this.#logger.warn({ err }, 'room invalidations: subscribe failed');
      return;
    }
    if (connection !== this.#connection || this.#closed) return;
    this.#cache.resume();
    this.#logger.info('room cache on: subscribed to room changes');
  }
}
