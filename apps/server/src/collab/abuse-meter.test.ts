import { describe, expect, it } from 'vitest';
import { AbuseMeter } from './abuse-meter.js';

describe('AbuseMeter', () => {
  it('trips only past the limit within the window, and forgets old hits', () => {
    let now = 0;
    const meter = new AbuseMeter(3, 1000, () => now);
    expect([meter.hit(), meter.hit(), meter.hit()]).toEqual([false, false, false]);
    expect(meter.hit()).toBe(true);
    now = 5000;
    expect(meter.hit()).toBe(false);
  });
});
