// The fields of the CSRs a kernel developer reads, by the RISC-V privileged specification's
// names and bit positions (Volume II, 1.12: mstatus/sstatus 3.1.6, mip/mie 3.1.9, mcause and
// scause tables 3.6 and 4.2, satp 4.1.11, xtvec 3.1.7, medeleg/mideleg 3.1.8, menvcfg 3.1.18,
// xcounteren 3.1.11, pmpcfg 3.7.1; fcsr from the unprivileged spec's F chapter). Shared by the
// gdb stub's `monitor regs` (csr-decode.ts) and the debug adapter's Registers scope and
// exception decoding (debug-adapter/registers/), which imports it from here.

export interface CsrField {
  /** The specification's name (`MPP`, `SEIP`, `MODE`). */
  name: string;
  /** Bit positions, most significant first. */
  hi: number;
  lo: number;
  /** The field's bits. */
  value: bigint;
  /** The value as a person reads it: `M`, `Sv39`, `Dirty`, `1`, `0x87ff5`. */
  text: string;
}

export const PRIV_NAMES = ['U', 'S', 'reserved', 'M'];

/** Exception codes of mcause (interrupt bit clear) by the spec's table, with a stable id. */
export const EXCEPTIONS: ReadonlyMap<number, { name: string; id: string }> = new Map([
  [0, { name: 'Instruction address misaligned', id: 'instruction-address-misaligned' }],
  [1, { name: 'Instruction access fault', id: 'instruction-access-fault' }],
  [2, { name: 'Illegal instruction', id: 'illegal-instruction' }],
  [3, { name: 'Breakpoint', id: 'breakpoint' }],
  [4, { name: 'Load address misaligned', id: 'load-address-misaligned' }],
  [5, { name: 'Load access fault', id: 'load-access-fault' }],
  [6, { name: 'Store/AMO address misaligned', id: 'store-address-misaligned' }],
  [7, { name: 'Store/AMO access fault', id: 'store-access-fault' }],
  [8, { name: 'Environment call from U-mode', id: 'ecall-u' }],
  [9, { name: 'Environment call from S-mode', id: 'ecall-s' }],
  [11, { name: 'Environment call from M-mode', id: 'ecall-m' }],
  [12, { name: 'Instruction page fault', id: 'instruction-page-fault' }],
  [13, { name: 'Load page fault', id: 'load-page-fault' }],
  [15, { name: 'Store/AMO page fault', id: 'store-page-fault' }],
]);

/** Interrupt codes of mcause (interrupt bit set). */
export const INTERRUPTS: ReadonlyMap<number, { name: string; id: string }> = new Map([
  [1, { name: 'Supervisor software interrupt', id: 'supervisor-software-interrupt' }],
  [3, { name: 'Machine software interrupt', id: 'machine-software-interrupt' }],
  [5, { name: 'Supervisor timer interrupt', id: 'supervisor-timer-interrupt' }],
  [7, { name: 'Machine timer interrupt', id: 'machine-timer-interrupt' }],
  [9, { name: 'Supervisor external interrupt', id: 'supervisor-external-interrupt' }],
  [11, { name: 'Machine external interrupt', id: 'machine-external-interrupt' }],
]);

export interface CauseInfo {
  interrupt: boolean;
  code: bigint;
  /** The spec's name, or what the table says of an unnamed code (reserved, custom use, platform use). */
  name: string;
  id: string;
  /** A code the spec names. */
  standard: boolean;
}

/** mcause/scause decoded by the spec's table (RV64: bit 63 is the interrupt bit). */
export function causeInfo(cause: bigint): CauseInfo {
  const v = BigInt.asUintN(64, cause);
  const interrupt = (v >> 63n) === 1n;
  const code = v & ((1n << 63n) - 1n);
  const small = code < 64n ? Number(code) : -1;
  const known = (interrupt ? INTERRUPTS : EXCEPTIONS).get(small);
  if (known) return { interrupt, code, name: known.name, id: known.id, standard: true };
  let name: string;
  if (interrupt) name = code >= 16n ? `Platform interrupt ${code}` : `Reserved interrupt ${code}`;
  else if ((code >= 24n && code <= 31n) || (code >= 48n && code <= 63n)) name = `Custom exception ${code}`;
  else name = `Reserved exception ${code}`;
  return { interrupt, code, name, id: `${interrupt ? 'interrupt' : 'exception'}-${code}`, standard: false };
}

const bits = (v: bigint, hi: number, lo: number): bigint => (BigInt.asUintN(64, v) >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
const hex = (v: bigint): string => '0x' + v.toString(16);

type Spec = [name: string, hi: number, lo: number, text?: (x: bigint) => string];

const EXT_STATE = ['Off', 'Initial', 'Clean', 'Dirty'];
const XLEN = ['reserved', '32', '64', '128'];
const state = (x: bigint) => EXT_STATE[Number(x)];
const xl = (x: bigint) => XLEN[Number(x)];
const priv1 = (x: bigint) => PRIV_NAMES[Number(x)];

const MSTATUS: Spec[] = [
  ['SIE', 1, 1], ['MIE', 3, 3], ['SPIE', 5, 5], ['UBE', 6, 6], ['MPIE', 7, 7], ['SPP', 8, 8, priv1], ['VS', 10, 9, state],
  ['MPP', 12, 11, priv1], ['FS', 14, 13, state], ['XS', 16, 15, state], ['MPRV', 17, 17], ['SUM', 18, 18], ['MXR', 19, 19],
  ['TVM', 20, 20], ['TW', 21, 21], ['TSR', 22, 22], ['UXL', 33, 32, xl], ['SXL', 35, 34, xl], ['SBE', 36, 36], ['MBE', 37, 37],
  ['SD', 63, 63],
];
const SSTATUS: Spec[] = [
  ['SIE', 1, 1], ['SPIE', 5, 5], ['UBE', 6, 6], ['SPP', 8, 8, priv1], ['VS', 10, 9, state], ['FS', 14, 13, state],
  ['XS', 16, 15, state], ['SUM', 18, 18], ['MXR', 19, 19], ['UXL', 33, 32, xl], ['SD', 63, 63],
];

/** Interrupt bits of mip/mie (M-level view) and sip/sie (S-level view). */
export const IRQ_BITS: readonly [number, string][] = [[1, 'SS'], [3, 'MS'], [5, 'ST'], [7, 'MT'], [9, 'SE'], [11, 'ME']];
const irqSpecs = (suffix: 'IP' | 'IE', sOnly: boolean): Spec[] =>
  IRQ_BITS.filter(([, n]) => !sOnly || n.startsWith('S')).map(([b, n]) => [n + suffix, b, b] as Spec);

const FRM = ['RNE', 'RTZ', 'RDN', 'RUP', 'RMM', 'reserved', 'reserved', 'DYN'];
const FFLAGS: Spec[] = [['NX', 0, 0], ['UF', 1, 1], ['OF', 2, 2], ['DZ', 3, 3], ['NV', 4, 4]];
const COUNTEREN: Spec[] = [['CY', 0, 0], ['TM', 1, 1], ['IR', 2, 2], ...Array.from({ length: 29 }, (_, i) => [`HPM${i + 3}`, i + 3, i + 3] as Spec)];
const CBIE = ['Illegal', 'Flush', 'reserved', 'Invalidate'];
const ENVCFG_S: Spec[] = [['FIOM', 0, 0], ['CBIE', 5, 4, (x) => CBIE[Number(x)]], ['CBCFE', 6, 6], ['CBZE', 7, 7]];
const ENVCFG_M: Spec[] = [...ENVCFG_S, ['PBMTE', 62, 62], ['STCE', 63, 63]];
const SATP_MODES: Record<number, string> = { 0: 'Bare', 8: 'Sv39', 9: 'Sv48', 10: 'Sv57', 11: 'Sv64' };
const PMP_A = ['OFF', 'TOR', 'NA4', 'NAPOT'];

function fromSpecs(v: bigint, specs: Spec[]): CsrField[] {
  return specs.map(([name, hi, lo, text]) => {
    const value = bits(v, hi, lo);
    return { name, hi, lo, value, text: text ? text(value) : hi - lo >= 4 ? hex(value) : value.toString() };
  });
}

/** The name of the mode of a satp value. */
export function satpMode(v: bigint): string {
  const m = Number(bits(v, 63, 60));
  return SATP_MODES[m] ?? `reserved (${m})`;
}

/**
 * The fields of a CSR's value (by the CSR's name as gdb and objdump spell it, plus `priv`), or
 * undefined for a CSR without fields worth showing (counters, scratch, addresses). `symbolize`
 * names code addresses (trap vector bases).
 */
export function csrFields(name: string, v: bigint, symbolize?: (addr: bigint) => string | undefined): CsrField[] | undefined {
  v = BigInt.asUintN(64, v);
  switch (name) {
    case 'mstatus': return fromSpecs(v, MSTATUS);
    case 'sstatus': return fromSpecs(v, SSTATUS);
    case 'mip': return fromSpecs(v, irqSpecs('IP', false));
    case 'mie': return fromSpecs(v, irqSpecs('IE', false));
    case 'sip': return fromSpecs(v, irqSpecs('IP', true));
    case 'sie': return fromSpecs(v, irqSpecs('IE', true));
    case 'mideleg': return fromSpecs(v, IRQ_BITS.map(([b, n]) => [`${INTERRUPTS.get(b)!.name} (${n}I)`, b, b] as Spec));
    case 'medeleg': return fromSpecs(v, [...EXCEPTIONS].map(([code, e]) => [e.name, code, code] as Spec));
    case 'mcause': case 'scause': {
      const c = causeInfo(v);
      return [
        { name: 'Interrupt', hi: 63, lo: 63, value: c.interrupt ? 1n : 0n, text: c.interrupt ? '1' : '0' },
        { name: 'Exception Code', hi: 62, lo: 0, value: c.code, text: `${c.code} (${c.name})` },
      ];
    }
    case 'satp': {
      const ppn = bits(v, 43, 0);
      return [
        { name: 'MODE', hi: 63, lo: 60, value: bits(v, 63, 60), text: satpMode(v) },
        { name: 'ASID', hi: 59, lo: 44, value: bits(v, 59, 44), text: bits(v, 59, 44).toString() },
        { name: 'PPN', hi: 43, lo: 0, value: ppn, text: hex(ppn) },
        { name: 'root', hi: 43, lo: 0, value: ppn << 12n, text: hex(ppn << 12n) },
      ];
    }
    case 'mtvec': case 'stvec': {
      const base = v & ~3n;
      const sym = symbolize?.(base);
      const mode = bits(v, 1, 0);
      return [
        { name: 'BASE', hi: 63, lo: 2, value: base, text: hex(base) + (sym ? ` ${sym}` : '') },
        { name: 'MODE', hi: 1, lo: 0, value: mode, text: mode === 0n ? 'Direct' : mode === 1n ? 'Vectored' : 'reserved' },
      ];
    }
    case 'fflags': return fromSpecs(v, FFLAGS);
    case 'frm': return fromSpecs(v, [['FRM', 2, 0, (x) => FRM[Number(x)]]]);
    case 'fcsr': return fromSpecs(v, [...FFLAGS, ['FRM', 7, 5, (x) => FRM[Number(x)]]]);
    case 'mcounteren': case 'scounteren': return fromSpecs(v, COUNTEREN);
    case 'menvcfg': return fromSpecs(v, ENVCFG_M);
    case 'senvcfg': return fromSpecs(v, ENVCFG_S);
    case 'misa': {
      const letters = Array.from({ length: 26 }, (_, i) => (bits(v, i, i) ? String.fromCharCode(65 + i) : '')).join('');
      return [
        { name: 'MXL', hi: 63, lo: 62, value: bits(v, 63, 62), text: XLEN[Number(bits(v, 63, 62))] },
        { name: 'Extensions', hi: 25, lo: 0, value: bits(v, 25, 0), text: letters || 'none' },
      ];
    }
    case 'priv': return [{ name: 'mode', hi: 1, lo: 0, value: v & 3n, text: PRIV_NAMES[Number(v & 3n)] }];
    default: {
      const pmp = /^pmpcfg(\d+)$/.exec(name);
      if (pmp) {
        const first = Number(pmp[1]) * 4;
        return Array.from({ length: 8 }, (_, i) => {
          const b = bits(v, i * 8 + 7, i * 8);
          const flags = `${b & 1n ? 'R' : '-'}${b & 2n ? 'W' : '-'}${b & 4n ? 'X' : '-'} A=${PMP_A[Number((b >> 3n) & 3n)]}${b & 0x80n ? ' L' : ''}`;
          return { name: `pmp${first + i}cfg`, hi: i * 8 + 7, lo: i * 8, value: b, text: flags };
        });
      }
      return undefined;
    }
  }
}
