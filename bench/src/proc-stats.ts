/** CPU time and peak memory of a child process, read from /proc (Linux). */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  /** Peak resident set size so far, in MiB. */
  peakRssMiB: number;
  /** Resident set size now, in MiB. */
  rssMiB: number;
}

export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mib = (field: string) => {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
      return m ? Number(m[1]) / 1024 : NaN;
    };
    return { cpuSeconds: ticks / TICKS_PER_SECOND, peakRssMiB: mib('VmHWM'), rssMiB: mib('VmRSS') };
  } catch {
    return undefined;
  }
}
