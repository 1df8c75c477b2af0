/**
 * A node's read cache of rooms: least recently used entries dropped past
 * `max`, each served for at most `ttlMs` (lru-cache does both). On top of it:
 *
 * - concurrent misses of one room share one load;
 * - `invalidate` drops the entry, and a load that started before it never
 *   stores what it read (it may have read the row before the change);
 * - a missing room (`null`) is never stored, so a room created on another
 *   node is found at once;
 * - while `suspend`ed (the invalidation feed is down) every read goes to the
 *   loader and nothing is stored; `resume` starts from an empty cache.
 */
import { LRUCache } from 'lru-cache';

export interface RoomCacheOptions {
  /** Most entries kept (at least 1). */
  max: number;
  /** Longest time an entry is served, in ms. */
  ttlMs: number;
  /** The clock the TTL is measured on, in ms (tests). Default: `performance.now`. */
  now?: () => number;
}

export class RoomCache<V extends object> {
  readonly #entries: LRUCache<string, V>;
  /** Loads in flight that may still store their answer; `invalidate` forgets them. */
  readonly #loading = new Map<string, Promise<V | null>>();
  #suspended = false;

  constructor(options: RoomCacheOptions) {
    const { now } = options;
    this.#entries = new LRUCache<string, V>({
      max: options.max,
      ttl: options.ttlMs,
      ...(now && { perf: { now }, ttlResolution: 0 }),
    });
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** The cached value of `id`, else `load(id)` (shared with any load of `id` already in flight). */
  get(id: string, load: (id: string) => Promise<V | null>): Promise<V | null> {
    const hit = this.peek(id);
    if (hit !== undefined) return Promise.resolve(hit);
    if (this.#suspended) return load(id);
    const pending = this.#loading.get(id);
    if (pending) return pending;
    const loading: Promise<V | null> = load(id).then(
      (value) => {
        if (this.#loading.get(id) === loading) {
          this.#loading.delete(id);
          if (value !== null) this.#entries.set(id, value);
        }
        return value;
      },
      (err: unknown) => {
        if (this.#loading.get(id) === loading) this.#loading.delete(id);
        throw err;
      },
    );
    this.#loading.set(id, loading);
    return loading;
  }

  /** The cached value of `id` if there is one (what `get` would answer without loading). */
  peek(id: string): V | undefined {
    return this.#suspended ? undefined : this.#entries.get(id);
  }

  /** Forgets `id`: the next read loads it again. */
  invalidate(id: string): void {
    this.#entries.delete(id);
    this.#loading.delete(id);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
    this.#loading.clear();
  }

  /** Serves nothing from the cache (and forgets it) until `resume`. */
  suspend(): void {
    this.#suspended = true;
    this.clear();
  }

  /** Starts caching again, from nothing: changes made while suspended may not have been heard of. */
  resume(): void {
    this.clear();
    this.#suspended = false;
  }
}
