import type { Verdict } from '@tandem/protocol';

/** How a verdict reads to a person: the words on its badge and the colour family it takes. */
export type VerdictTone = 'good' | 'bad' | 'stopped' | 'broken';

const VERDICTS: Record<Verdict, { label: string; tone: VerdictTone }> = {
  ok: { label: 'Finished', tone: 'good' },
  accepted: { label: 'Accepted', tone: 'good' },
  wrong_answer: { label: 'Wrong answer', tone: 'bad' },
  compile_error: { label: 'Compile error', tone: 'bad' },
  runtime_error: { label: 'Runtime error', tone: 'bad' },
  time_limit: { label: 'Time limit exceeded', tone: 'bad' },
  memory_limit: { label: 'Memory limit exceeded', tone: 'bad' },
  output_limit: { label: 'Output limit exceeded', tone: 'bad' },
  cancelled: { label: 'Stopped', tone: 'stopped' },
  // The sandbox failed, not the program: worth telling apart from the program's own errors.
  internal_error: { label: 'Sandbox error', tone: 'broken' },
};

export function verdictLabel(verdict: Verdict): string {
  return VERDICTS[verdict].label;
}

export function verdictTone(verdict: Verdict): VerdictTone {
  return VERDICTS[verdict].tone;
}

/** A verdict as a coloured badge; the words carry the meaning, the colour only repeats it. */
export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span className="verdict" data-tone={verdictTone(verdict)}>
      {verdictLabel(verdict)}
    </span>
  );
}
