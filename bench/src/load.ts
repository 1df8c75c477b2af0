/** The machine's load average while a benchmark runs: other work on a shared machine skews every figure. */
import { loadavg } from 'node:os';

export interface LoadReading {
  atStart: number[];
  atEnd: number[];
  /** The 1-minute figure, sampled every 5 s. */
  oneMinute: { min: number; mean: number; max: number };
}

const fmt = (v: number) => v.toFixed(1);

/** Starts sampling; `stop()` returns what it saw. */
export function watchLoad(): { stop(): LoadReading } {
  const atStart = loadavg();
  const samples = [atStart[0]!];
  const timer = setInterval(() => samples.push(loadavg()[0]!), 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const atEnd = loadavg();
      samples.push(atEnd[0]!);
      return {
        atStart,
        atEnd,
        oneMinute: {
          min: Math.min(...samples),
          mean: samples.reduce((a, b) => a + b, 0) / samples.length,
          max: Math.max(...samples),
        },
      };
    },
  };
}

/** One line for an entry's notes. */
export function loadNote(r: LoadReading): string {
  return `Load average during the run (1 min, sampled every 5 s): mean ${fmt(r.oneMinute.mean)}, ${fmt(r.oneMinute.min)}–${fmt(r.oneMinute.max)}; 1/5/15 min at start ${r.atStart.map(fmt).join('/')}, at end ${r.atEnd.map(fmt).join('/')} (2 cores).`;
}
