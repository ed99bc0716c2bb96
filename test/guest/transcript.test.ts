// The transcript comparison itself: masks, timing lines and unordered steps do what they say,
// and a real difference is reported (so the Machine-versus-QEMU tests can fail).
import { strict as assert } from 'node:assert';
import { compareTranscripts, normalizeStep } from './support/transcript';
import { SHELL_TASK_LINE, type ScriptStep } from './support/scripts';

describe('guest test support: transcript comparison', () => {
  const script: ScriptStep[] = [
    { label: 'a', send: 'x' },
    { label: 'b', send: 'y', unordered: true },
    { label: 'c', send: 'ps', mask: [SHELL_TASK_LINE] },
  ];
  const step = (label: string, output: string) => ({ label, input: '', output });

  it('ignores CR, uptime values, line order in unordered steps, and masked lines', () => {
    const a = [step('a', 'up 1.23 seconds\r\n$ '), step('b', 'one\ntwo\n'), step('c', '    2     1  running   sh\n')];
    const b = [step('a', 'up 9.99 seconds\n$ '), step('b', 'two\none\n'), step('c', '    2     1  sleeping  sh              child to exit\n')];
    assert.deepEqual(compareTranscripts(script, a, b), []);
  });

  it('reports a real difference, and a missing step', () => {
    const a = [step('a', 'hello\n'), step('b', 'x'), step('c', '')];
    const b = [step('a', 'goodbye\n'), step('b', 'x')];
    const d = compareTranscripts(script, a, b);
    assert.deepEqual(d.map((x) => x.label), ['a', 'c']);
    assert.deepEqual(normalizeStep('    5     2  running   sh\n', false, [SHELL_TASK_LINE]), ['    5     2  running   sh', '']);
  });
});
