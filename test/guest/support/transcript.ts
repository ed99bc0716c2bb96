// Comparing two console transcripts of the same script (QEMU's and our Machine's). Lines that
// depend on time are marked (globally in TIMING_LINES, or per step with ScriptStep.mask) and
// replaced by a placeholder; steps whose lines may interleave
// (several harts printing) are compared as sorted lists of lines.
import type { TranscriptStep } from './console-session';
import type { ScriptStep } from './scripts';

/** Lines whose content depends on timing: [pattern, placeholder]. */
export const TIMING_LINES: [RegExp, string][] = [
  [/^up \d+\.\d+ seconds$/, 'up <time>'],
];

export function normalizeStep(output: string, unordered: boolean, masks: RegExp[] = []): string[] {
  let lines = output.replace(/\r/g, '').split('\n');
  lines = lines.map((line) => {
    for (const [re, placeholder] of TIMING_LINES) if (re.test(line)) return placeholder;
    for (const re of masks) if (re.test(line)) return `<timing-dependent: ${re.source}>`;
    return line;
  });
  return unordered ? [...lines].sort() : lines;
}

export interface Difference {
  label: string;
  expected: string[];
  actual: string[];
}

/** Differences between two transcripts of `script`; empty when they agree. */
export function compareTranscripts(script: ScriptStep[], a: TranscriptStep[], b: TranscriptStep[]): Difference[] {
  const diffs: Difference[] = [];
  for (const step of script) {
    const sa = a.find((s) => s.label === step.label);
    const sb = b.find((s) => s.label === step.label);
    const la = normalizeStep(sa?.output ?? '<missing>', !!step.unordered, step.mask);
    const lb = normalizeStep(sb?.output ?? '<missing>', !!step.unordered, step.mask);
    if (la.join('\n') !== lb.join('\n')) diffs.push({ label: step.label, expected: la, actual: lb });
  }
  return diffs;
}

export function describeDifferences(diffs: Difference[]): string {
  return diffs.map((d) => `step "${d.label}":\n  qemu:    ${JSON.stringify(d.expected)}\n  machine: ${JSON.stringify(d.actual)}`).join('\n');
}
