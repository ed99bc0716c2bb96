// The target description gdb reads with qXfer:features:read:target.xml (gdb manual, "Target
// Descriptions" and "RISC-V Features"): architecture riscv:rv64, osabi none (so gdb asks for
// qXfer:libraries:read on a bare-metal target, see the brief), and the cpu, fpu, csr and
// virtual features. Register numbers are the Target's (gdb's RISC-V numbering, target.ts),
// so `p`/`P` pass them straight through. Built from the Target's features: what is listed
// is what the target can read.
import { REG_CSR0, REG_F0, REG_PC, REG_PRIV, type TargetFeatures } from '../emulator/target';

/** Names of the CSRs a kernel developer reads, by number (RISC-V privileged spec, table 2.2-2.5). */
export const CSR_NAMES: ReadonlyMap<number, string> = new Map([
  [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'],
  [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'],
  [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'], [0x10a, 'senvcfg'],
  [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'], [0x143, 'stval'], [0x144, 'sip'],
  [0x14d, 'stimecmp'], [0x180, 'satp'],
  [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'],
  [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'], [0x304, 'mie'],
  [0x305, 'mtvec'], [0x306, 'mcounteren'], [0x30a, 'menvcfg'], [0x340, 'mscratch'], [0x341, 'mepc'],
  [0x342, 'mcause'], [0x343, 'mtval'], [0x344, 'mip'],
  [0x3a0, 'pmpcfg0'], [0x3a2, 'pmpcfg2'],
  ...Array.from({ length: 16 }, (_, i) => [0x3b0 + i, `pmpaddr${i}`] as [number, string]),
  [0xb00, 'mcycle'], [0xb02, 'minstret'],
]);

export const csrName = (csr: number): string => CSR_NAMES.get(csr) ?? `csr${csr.toString(16)}`;

const ABI_NAMES = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const PTR_TYPES: Record<string, string> = { ra: 'code_ptr', sp: 'data_ptr', gp: 'data_ptr', tp: 'data_ptr', fp: 'data_ptr' };
const FP_CSRS = [0x001, 0x002, 0x003];

/** The registers this description lists, by number, with their size in bytes (for p/P/g checks). */
export function describedRegisters(f: TargetFeatures): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i <= REG_PC; i++) m.set(i, 8);
  if (f.fpu) for (let i = 0; i < 32; i++) m.set(REG_F0 + i, 8);
  for (const c of f.csrs) if (f.fpu || !FP_CSRS.includes(c)) m.set(REG_CSR0 + c, 8);
  m.set(REG_PRIV, 8);
  return m;
}

function reg(name: string, regnum: number, type = 'int', group?: string): string {
  return `<reg name="${name}" bitsize="64" regnum="${regnum}" type="${type}"${group ? ` group="${group}"` : ''}/>`;
}

export function targetDescriptionXml(f: TargetFeatures): string {
  const out: string[] = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">',
    '<architecture>riscv:rv64</architecture>', '<osabi>none</osabi>'];
  out.push('<feature name="org.gnu.gdb.riscv.cpu">');
  ABI_NAMES.forEach((n, i) => out.push(reg(n, i, PTR_TYPES[n] ?? 'int')));
  out.push(reg('pc', REG_PC, 'code_ptr'));
  out.push('</feature>');
  const csrs = [...f.csrs].sort((a, b) => a - b);
  if (f.fpu) {
    out.push('<feature name="org.gnu.gdb.riscv.fpu">',
      '<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>');
    for (let i = 0; i < 32; i++) out.push(reg(`f${i}`, REG_F0 + i, 'riscv_double', 'float'));
    for (const c of FP_CSRS) if (csrs.includes(c)) out.push(reg(csrName(c), REG_CSR0 + c, 'int', 'float'));
    out.push('</feature>');
  }
  out.push('<feature name="org.gnu.gdb.riscv.csr">');
  for (const c of csrs) if (!FP_CSRS.includes(c)) out.push(reg(csrName(c), REG_CSR0 + c, 'int', 'csr'));
  out.push('</feature>');
  out.push('<feature name="org.gnu.gdb.riscv.virtual">', reg('priv', REG_PRIV, 'int', 'general'), '</feature>');
  out.push('</target>');
  return out.join('\n') + '\n';
}
