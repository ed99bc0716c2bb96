// CSR numbers, trap causes and status bits of the RISC-V privileged specification
// (Volume II, 20211203 and later, with Sstc), by the spec's names.

export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02, hpmcounter3: 0xc03, hpmcounter31: 0xc1f,
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d,
  satp: 0x180,
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320, mhpmevent3: 0x323, mhpmevent31: 0x33f,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344, mtinst: 0x34a, mtval2: 0x34b,
  pmpcfg0: 0x3a0, pmpcfg15: 0x3af, pmpaddr0: 0x3b0, pmpaddr63: 0x3ef,
  mseccfg: 0x747,
  tselect: 0x7a0, tdata1: 0x7a1, tdata2: 0x7a2, tdata3: 0x7a3,
  mcycle: 0xb00, minstret: 0xb02, mhpmcounter3: 0xb03, mhpmcounter31: 0xb1f,
} as const;

/** Exception causes (mcause with the interrupt bit clear). */
export const enum Cause {
  InsnMisaligned = 0, InsnAccess = 1, Illegal = 2, Breakpoint = 3,
  LoadMisaligned = 4, LoadAccess = 5, StoreMisaligned = 6, StoreAccess = 7,
  EcallU = 8, EcallS = 9, EcallM = 11,
  InsnPage = 12, LoadPage = 13, StorePage = 15,
}

/** mstatus bits (low word). */
export const MS = {
  SIE: 1 << 1, MIE: 1 << 3, SPIE: 1 << 5, UBE: 1 << 6, MPIE: 1 << 7, SPP: 1 << 8,
  VS: 3 << 9, MPP: 3 << 11, FS: 3 << 13, XS: 3 << 15,
  MPRV: 1 << 17, SUM: 1 << 18, MXR: 1 << 19, TVM: 1 << 20, TW: 1 << 21, TSR: 1 << 22,
} as const;
export const MPP_SHIFT = 11;
export const FS_SHIFT = 13;

/** Writable bits of mstatus and of its sstatus view (low word; UXL/SXL/SD are in the high word). */
export const MSTATUS_WMASK = MS.SIE | MS.MIE | MS.SPIE | MS.MPIE | MS.SPP | MS.MPP | MS.FS |
  MS.MPRV | MS.SUM | MS.MXR | MS.TVM | MS.TW | MS.TSR;
export const SSTATUS_MASK = MS.SIE | MS.SPIE | MS.UBE | MS.SPP | MS.VS | MS.FS | MS.XS | MS.SUM | MS.MXR;
/** mstatus high word: UXL = SXL = 2 (64-bit); SD (bit 63) is computed from FS. */
export const MSTATUS_HI = 0x0000000a;

/** Interrupt numbers (bit positions in mip/mie). */
export const IRQ = { SSI: 1, MSI: 3, STI: 5, MTI: 7, SEI: 9, MEI: 11 } as const;
export const MIE_MASK = 0xaaa;
/** Interrupts that can be delegated to S-mode. */
export const SIP_MASK = (1 << 1) | (1 << 5) | (1 << 9);
/** Exceptions that can be delegated (not ecall from M, not reserved causes). */
export const MEDELEG_MASK = 0xb3ff;

/** misa: MXL = 2 (RV64) in bits 63:62, and the extensions I M A F D C S U. */
export const MISA_LO = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);
export const MISA_HI = 0x80000000 | 0;

/** Order in which pending-and-enabled interrupts are taken (privileged spec 3.1.9). */
export const IRQ_PRIORITY = [11, 3, 7, 9, 1, 5] as const;
