// gdb-multiarch as the oracle for the symbols tests: loads an ELF (no target), runs a Python
// snippet inside gdb that prints one JSON document, and returns it parsed. Driven over GDB/MI
// through test/support/gdb-mi.ts.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GdbMi } from '../../support/gdb-mi';

/** Opens gdb on `elf`, runs each Python script (which must print one JSON value) and closes gdb. */
export async function gdbPython<T = unknown>(elf: string | undefined, scripts: string[], prelude: string[] = []): Promise<T[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-oracle-'));
  const g = await GdbMi.start({ file: elf, timeoutMs: 120000 });
  try {
    for (const c of prelude) await g.console(c);
    const out: T[] = [];
    for (let i = 0; i < scripts.length; i++) {
      const p = join(dir, `s${i}.py`);
      writeFileSync(p, scripts[i]);
      const text = await g.console(`source ${p}`);
      const start = text.indexOf('@@JSON@@');
      if (start < 0) throw new Error(`gdb script printed no JSON: ${text.slice(0, 2000)}`);
      out.push(JSON.parse(text.slice(start + 8, text.indexOf('@@END@@'))) as T);
    }
    return out;
  } finally {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Python helper prepended to scripts: emit(x) prints x as JSON between markers. */
export const PY_EMIT = `
import json
def emit(x):
    gdb.write('@@JSON@@' + json.dumps(x) + '@@END@@\\n')
`;

/** Runs CLI commands in one gdb on `elf` and returns each command's console text. */
export async function gdbConsole(elf: string, commands: string[]): Promise<string[]> {
  const g = await GdbMi.start({ file: elf, timeoutMs: 120000 });
  try {
    const out: string[] = [];
    for (const c of commands) {
      try { out.push(await g.console(c)); } catch (e) { out.push(`ERROR: ${(e as Error).message}`); }
    }
    return out;
  } finally {
    await g.close();
  }
}
