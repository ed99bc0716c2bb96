// Text views shared by the gdb stub's monitor commands and the debug adapter's console:
// `ps`-style task table, module list.
import type { ModuleInfo, TaskInfo } from './model';

const hex = (v: bigint): string => '0x' + v.toString(16);

export function formatTaskTable(tasks: TaskInfo[]): string {
  const rows = [['PID', 'PPID', 'STATE', 'NAME', 'WAITING FOR']];
  for (const t of tasks) {
    const state = t.state === 'running' && t.hart !== undefined ? `running/${t.hart}` : t.state;
    let wait = t.waitReason ?? '';
    if (t.waitText) wait = wait ? `${wait} (${t.waitText})` : t.waitText;
    if (t.blockedOn?.holderPid !== undefined) wait += ` held by pid ${t.blockedOn.holderPid}`;
    rows.push([String(t.pid), t.parentPid === undefined ? '-' : String(t.parentPid), state, t.name, wait]);
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padStart(w[c]) : c === r.length - 1 ? cell : cell.padEnd(w[c]))).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatModuleTable(mods: ModuleInfo[]): string {
  if (!mods.length) return 'no modules loaded\n';
  return mods.map((m) => `${m.name.padEnd(16)} ${hex(m.base)} ${m.size.toString().padStart(8)}  ${m.sections.map((s) => `${s.name}=${hex(s.address)}`).join(' ')}`).join('\n') + '\n';
}
