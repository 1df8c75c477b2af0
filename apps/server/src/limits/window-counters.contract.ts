import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/harness.js';
import type { WindowCounters } from './window-counters.js';

/** What every WindowCounters implementation promises, run against each (real Redis included). */
export function windowCountersContract(
  name: string,
  open: () => Promise<{ counters: WindowCounters; cleanup?: () => Promise<void> }>,
): void {
  describe(`WindowCounters contract: ${name}`, () => {
    let counters: WindowCounters;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ counters, cleanup } = await open());
    });
    afterEach(async () => {
      await counters.close();
      await cleanup?.();
    });

    it('counts hits per key within a window and says how long the window lasts', async () => {
      expect(await counters.peek('a')).toEqual({ count: 0, resetInMs: 0 });
      expect((await counters.hit('a', 60_000)).count).toBe(1);
      const second = await counters.hit('a', 60_000);
      expect(second.count).toBe(2);
      expect(second.resetInMs).toBeGreaterThan(50_000);
      expect(second.resetInMs).toBeLessThanOrEqual(60_000);
      expect((await counters.hit('b', 60_000)).count).toBe(1);
      expect((await counters.peek('a')).count).toBe(2);
    });

    it('a window that ends starts again from zero', async () => {
      await counters.hit('short', 200);
      await counters.hit('short', 200);
      await waitFor(async () => (await counters.peek('short')).count === 0, 'the window to end');
      expect((await counters.hit('short', 200)).count).toBe(1);
    });

    it('a later hit does not extend the window it falls in', async () => {
      const first = await counters.hit('fixed', 60_000);
      const later = await counters.hit('fixed', 600_000);
      expect(later.resetInMs).toBeLessThanOrEqual(first.resetInMs);
    });

    it('reset forgets a key and only that key', async () => {
      await counters.hit('x', 60_000);
      await counters.hit('y', 60_000);
      await counters.reset('x');
      expect((await counters.peek('x')).count).toBe(0);
      expect((await counters.peek('y')).count).toBe(1);
    });

    it('counts every one of many concurrent hits once', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => counters.hit('burst', 60_000)),
      );
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });
  });
}
