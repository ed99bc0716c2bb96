// Maps the registers a remote stub describes in its target description (by name, with the
// stub's own numbers, following <xi:include>s) onto the Target's numbering (gdb's RISC-V
// numbering, target.ts). Stubs number CSRs differently (QEMU packs them), so names decide.
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV } from '../../emulator/target';
import { CSR_NAMES } from '../target-description';

const X_ABI = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const F_ABI = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];

const BY_NAME = new Map<string, number>();
X_ABI.forEach((n, i) => { BY_NAME.set(n, i); BY_NAME.set(`x${i}`, i); });
BY_NAME.set('s0', 8);
BY_NAME.set('pc', REG_PC);
F_ABI.forEach((n, i) => { BY_NAME.set(n, REG_F0 + i); BY_NAME.set(`f${i}`, REG_F0 + i); });
for (const [csr, name] of CSR_NAMES) BY_NAME.set(name, REG_CSR0 + csr);
BY_NAME.set('priv', REG_PRIV);

export interface RemoteRegister {
  /** The stub's register number (for p/P). */
  remote: number;
  /** Size in bytes. */
  size: number;
}

export interface DescribedRegister { name: string; regnum: number; bitsize: number }

/** The <reg> elements of a target description document, with implicit numbers filled in. */
export function parseRegs(xml: string, firstRegnum: number): { regs: DescribedRegister[]; next: number; includes: string[] } {
  const regs: DescribedRegister[] = [];
  const includes: string[] = [];
  let next = firstRegnum;
  const re = /<reg\s([^>]*?)\/?>|<xi:include\s+href="([^"]+)"/g;
  for (let m; (m = re.exec(xml));) {
    if (m[2]) { includes.push(m[2]); continue; }
    const attrs = new Map<string, string>();
    for (const a of m[1].matchAll(/([\w-]+)="([^"]*)"/g)) attrs.set(a[1], a[2]);
    const name = attrs.get('name');
    const bitsize = Number(attrs.get('bitsize'));
    if (!name || !Number.isFinite(bitsize)) continue;
    const regnum = attrs.has('regnum') ? Number(attrs.get('regnum')) : next;
    regs.push({ name, regnum, bitsize });
    next = regnum + 1;
  }
  return { regs, next, includes };
}

/** Target register number -> the stub's register, from the described registers. */
export function mapRegisters(regs: readonly DescribedRegister[]): Map<number, RemoteRegister> {
  const map = new Map<number, RemoteRegister>();
  for (const r of regs) {
    const ours = BY_NAME.get(r.name);
    if (ours !== undefined && !map.has(ours)) map.set(ours, { remote: r.regnum, size: Math.ceil(r.bitsize / 8) });
  }
  return map;
}

/** The numbering when a stub gives no description: ours, x0..x31 and pc only. */
export function defaultRegisters(): Map<number, RemoteRegister> {
  const map = new Map<number, RemoteRegister>();
  for (let i = 0; i <= REG_PC; i++) map.set(i, { remote: i, size: 8 });
  return map;
}
