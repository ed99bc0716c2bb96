// Register names and numbers as gdb shows RISC-V registers: x0..x31 by their ABI names (x8 is
// `fp`, gdb's name, with `s0` accepted), pc, f0..f31 by ABI names, CSRs by the names objdump
// and the privileged spec use (`csrNNN` for an unnamed one), and gdb's virtual `priv`.
// Numbers are the Target's (gdb's RISC-V numbering, emulator/target.ts).
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV } from '../../emulator/target';
import { csrName as specCsrName } from '../../symbols/disasm/csr-names';

export const GPR_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
export const FPR_NAMES = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
/** The floating-point CSRs, which gdb shows with the floating-point registers. */
export const FP_CSRS = [0x001, 0x002, 0x003];

/** How gdb's target description types a register, which decides how its value prints. */
export type RegisterKind = 'int' | 'code_ptr' | 'data_ptr' | 'float' | 'csr' | 'priv';

export function csrName(csr: number): string {
  return specCsrName(csr) ?? `csr${csr.toString(16)}`;
}

/** The name gdb shows for a register number. */
export function registerName(regno: number): string {
  if (regno >= 0 && regno < 32) return GPR_NAMES[regno];
  if (regno === REG_PC) return 'pc';
  if (regno >= REG_F0 && regno < REG_F0 + 32) return FPR_NAMES[regno - REG_F0];
  if (regno === REG_PRIV) return 'priv';
  if (regno >= REG_CSR0 && regno < REG_CSR0 + 4096) return csrName(regno - REG_CSR0);
  return `reg${regno}`;
}

export function registerKind(regno: number): RegisterKind {
  if (regno === 1 || regno === REG_PC) return 'code_ptr';
  if (regno === 2 || regno === 3 || regno === 4 || regno === 8) return 'data_ptr';
  if (regno >= 0 && regno < 32) return 'int';
  if (regno >= REG_F0 && regno < REG_F0 + 32) return 'float';
  if (regno === REG_PRIV) return 'priv';
  return 'csr';
}

let byName: Map<string, number> | undefined;

/** A register's number by any name gdb accepts (ABI name, xN, fN, s0, CSR name, csrNNN, priv), with or without `$`. */
export function registerNumber(name: string): number | undefined {
  if (!byName) {
    byName = new Map();
    GPR_NAMES.forEach((n, i) => { byName!.set(n, i); byName!.set(`x${i}`, i); });
    byName.set('s0', 8);
    FPR_NAMES.forEach((n, i) => { byName!.set(n, REG_F0 + i); byName!.set(`f${i}`, REG_F0 + i); });
    byName.set('pc', REG_PC);
    byName.set('priv', REG_PRIV);
    for (let c = 0; c < 4096; c++) {
      const n = specCsrName(c);
      if (n && !byName.has(n)) byName.set(n, REG_CSR0 + c);
    }
  }
  const n = name.startsWith('$') ? name.slice(1) : name;
  const known = byName.get(n);
  if (known !== undefined) return known;
  const m = /^csr([0-9a-f]{1,3})$/.exec(n);
  return m ? REG_CSR0 + parseInt(m[1], 16) : undefined;
}
