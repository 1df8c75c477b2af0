import { describe, expect, it, vi } from 'vitest';
import { RoomCache } from './room-cache.js';

interface Value {
  title: string;
}

/** A loader whose answers the test releases one by one, counting its calls. */
function controlledLoader() {
  const waiting: { id: string; resolve: (v: Value | null) => void }[] = [];
  const load = vi.fn(
    (id: string) => new Promise<Value | null>((resolve) => waiting.push({ id, resolve })),
  );
  return { load, waiting };
}

describe('RoomCache', () => {
  it('serves a loaded value without loading again', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    const load = vi.fn(async (id: string) => ({ title: id }));
    expect(await cache.get('a', load)).toEqual({ title: 'a' });
    expect(await cache.get('a', load)).toEqual({ title: 'a' });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shares one load between concurrent misses', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    const { load, waiting } = controlledLoader();
    const reads = [cache.get('a', load), cache.get('a', load), cache.get('a', load)];
    expect(load).toHaveBeenCalledTimes(1);
    waiting[0]!.resolve({ title: 'one' });
    expect(await Promise.all(reads)).toEqual([
      { title: 'one' },
      { title: 'one' },
      { title: 'one' },
    ]);
  });

  it('does not cache a missing room', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    let exists = false;
    const load = vi.fn(async (id: string) => (exists ? { title: id } : null));
    expect(await cache.get('a', load)).toBeNull();
    exists = true;
    expect(await cache.get('a', load)).toEqual({ title: 'a' });
  });

  it('does not cache a failed load, and passes the failure on', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    const load = vi
      .fn<(id: string) => Promise<Value | null>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce({ title: 'up' });
    await expect(cache.get('a', load)).rejects.toThrow('down');
    expect(await cache.get('a', load)).toEqual({ title: 'up' });
  });

  it('loads again after an invalidation', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    let title = 'old';
    const load = vi.fn(async () => ({ title }));
    await cache.get('a', load);
    title = 'new';
    cache.invalidate('a');
    expect(await cache.get('a', load)).toEqual({ title: 'new' });
  });

  it('never stores what a load begun before an invalidation read', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    const { load, waiting } = controlledLoader();
    const early = cache.get('a', load);
    cache.invalidate('a');
    // A read after the invalidation does not join the earlier load.
    const late = cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
    waiting[1]!.resolve({ title: 'new' });
    waiting[0]!.resolve({ title: 'old' });
    expect(await early).toEqual({ title: 'old' });
    expect(await late).toEqual({ title: 'new' });
    expect(await cache.get('a', load)).toEqual({ title: 'new' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads again once an entry is older than the TTL', async () => {
    let clock = 1_000_000;
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 1_000, now: () => clock });
    const load = vi.fn(async (id: string) => ({ title: id }));
    await cache.get('a', load);
    clock += 500;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(1);
    clock += 1_000;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('drops the least recently used entry past its size', async () => {
    const cache = new RoomCache<Value>({ max: 2, ttlMs: 60_000 });
    const load = vi.fn(async (id: string) => ({ title: id }));
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('a', load); // b is now the least recently used
    await cache.get('c', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('peek answers what get would without loading: the entry, or nothing when missing, stale, invalidated or suspended', async () => {
    let clock = 1_000_000;
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 1_000, now: () => clock });
    const { load, waiting } = controlledLoader();
    expect(cache.peek('a')).toBeUndefined();
    const read = cache.get('a', load);
    expect(cache.peek('a')).toBeUndefined(); // a load in flight is not a value yet
    waiting[0]!.resolve({ title: 'one' });
    const value = await read;
    expect(cache.peek('a')).toBe(value);
    clock += 1_500;
    expect(cache.peek('a')).toBeUndefined();
    const again = cache.get('a', load);
    waiting[1]!.resolve({ title: 'two' });
    expect(cache.peek('a')).toBeUndefined();
    await again;
    expect(cache.peek('a')).toEqual({ title: 'two' });
    cache.invalidate('a');
    expect(cache.peek('a')).toBeUndefined();
    const third = cache.get('a', load);
    waiting[2]!.resolve({ title: 'three' });
    await third;
    cache.suspend();
    expect(cache.peek('a')).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('bypasses itself while suspended, and resumes empty', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    let title = 'one';
    const load = vi.fn(async () => ({ title }));
    await cache.get('a', load);
    cache.suspend();
    title = 'two';
    expect(await cache.get('a', load)).toEqual({ title: 'two' });
    title = 'three';
    expect(await cache.get('a', load)).toEqual({ title: 'three' });
    expect(load).toHaveBeenCalledTimes(3);
    title = 'four';
    cache.resume();
    expect(await cache.get('a', load)).toEqual({ title: 'four' });
    expect(await cache.get('a', load)).toEqual({ title: 'four' });
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('does not store a load begun before a suspension', async () => {
    const cache = new RoomCache<Value>({ max: 10, ttlMs: 60_000 });
    const { load, waiting } = controlledLoader();
    const early = cache.get('a', load);
    cache.suspend();
    cache.resume();
    waiting[0]!.resolve({ title: 'old' });
    await early;
    const next = cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);
    waiting[1]!.resolve({ title: 'new' });
    expect(await next).toEqual({ title: 'new' });
  });
});
