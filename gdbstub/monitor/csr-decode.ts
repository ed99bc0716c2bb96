// Decodes CSR values into their fields for `monitor regs` (RISC-V privileged spec: mstatus
// and sstatus fields, mcause/scause codes, satp mode/ASID/PPN, the mip/mie interrupt bits), in
// the monitor's compact one-line form. The structured field decoding (every field by the spec's
// name, shared with the debug adapter's Registers scope) is csr-fields.ts.
import { satpMode } from './csr-fields';

const PRIV = ['U', 'S', '?', 'M'];

const EXCEPTIONS: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned', 7: 'store/AMO access fault',
  8: 'ecall from U-mode', 9: 'ecall from S-mode', 11: 'ecall from M-mode', 12: 'instruction page fault',
  13: 'load page fault', 15: 'store/AMO page fault',
};
const INTERRUPTS: Record<number, string> = {
  1: 'supervisor software', 3: 'machine software', 5: 'supervisor timer', 7: 'machine timer', 9: 'supervisor external', 11: 'machine external',
};
const IRQ_BITS: [number, string][] = [[1, 'SSIP'], [3, 'MSIP'], [5, 'STIP'], [7, 'MTIP'], [9, 'SEIP'], [11, 'MEIP']];

const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);
const field = (v: bigint, lo: number, width: number): number => Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));

function statusFields(v: bigint, machine: boolean): string {
  const parts = [`SIE=${bit(v, 1)}`, `SPIE=${bit(v, 5)}`, `SPP=${PRIV[bit(v, 8)]}`, `FS=${field(v, 13, 2)}`, `SUM=${bit(v, 18)}`, `MXR=${bit(v, 19)}`];
  if (machine) {
    parts.splice(1, 0, `MIE=${bit(v, 3)}`);
    parts.splice(3, 0, `MPIE=${bit(v, 7)}`);
    parts.push(`MPP=${PRIV[field(v, 11, 2)]}`, `MPRV=${bit(v, 17)}`, `TVM=${bit(v, 20)}`, `TW=${bit(v, 21)}`, `TSR=${bit(v, 22)}`);
  }
  parts.push(`SD=${bit(v, 63)}`);
  return parts.join(' ');
}

function causeText(v: bigint): string {
  const code = Number(v & ((1n << 63n) - 1n));
  if (v >> 63n) return `interrupt ${code} (${INTERRUPTS[code] ?? 'unknown'})`;
  return `exception ${code} (${EXCEPTIONS[code] ?? 'unknown'})`;
}

function irqBits(v: bigint): string {
  const set = IRQ_BITS.filter(([n]) => bit(v, n)).map(([, name]) => name);
  return set.length ? set.join(' ') : 'none';
}

/** A short decoding of a CSR's value, or '' when there is nothing to say beyond the number. */
export function decodeCsr(name: string, v: bigint): string {
  switch (name) {
    case 'mstatus': return statusFields(v, true);
    case 'sstatus': return statusFields(v, false);
    case 'mcause': case 'scause': return causeText(v);
    case 'mip': case 'mie': case 'sip': case 'sie': case 'mideleg': return irqBits(v);
    case 'medeleg': return Object.keys(EXCEPTIONS).map(Number).filter((n) => bit(v, n)).join(',') || 'none';
    case 'satp': {
      return `MODE=${satpMode(v)} ASID=${field(v, 44, 16)} PPN=0x${(v & ((1n << 44n) - 1n)).toString(16)} (root 0x${((v & ((1n << 44n) - 1n)) << 12n).toString(16)})`;
    }
    case 'mtvec': case 'stvec': return `base 0x${(v & ~3n).toString(16)} ${(v & 3n) === 1n ? 'vectored' : 'direct'}`;
    case 'priv': return `${PRIV[Number(v & 3n)]}-mode`;
    default: return '';
  }
}
