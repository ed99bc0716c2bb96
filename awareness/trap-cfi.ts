// Call-frame information for a kernel's trap return paths, as a small ELF object of its own, for a
// debugger that unwinds with DWARF CFI only (gdb). Linux's entry.S has no CFI: gdb's RISC-V
// prologue analyser stops a sleeping task's backtrace in handle_exception ("frame did not save
// the PC"), one frame short of the interrupted user code, although every register of it sits in
// the struct pt_regs at sp. This object says so: for code ranges where sp points at the trap
// frame, CFA = sp, each register x1..x31 saved at CFA + its offset in the frame, and the
// interrupted pc (the frame's epc) in DWARF column 64, the RISC-V psABI's "alternate frame
// return column" (the return column cannot be ra: x1 there is the interrupted code's own ra).
// gdb loads it as a library (relocatable, one NOBITS .text over the ranges, a .debug_frame):
// its frame sniffer searches every objfile's FDEs by pc, and the kernel's own file has none
// for these ranges. The guest's teaching kernel writes the same rules with .cfi_ directives in
// its trap entry (guest/kernel/trap_entry.S).

/** Where the trap frame is and what it holds, for the code that runs with sp at it. */
export interface TrapFrameCfi {
  /** Code ranges [start, end) in which sp points at the trap frame. */
  ranges: Array<{ start: bigint; end: bigint }>;
  /** Byte offset in the frame of each saved register, by register number (1..31). */
  registers: Map<number, number>;
  /** Byte offset in the frame of the interrupted pc. */
  pc: number;
}

/** An ELF64 RISC-V relocatable object whose .text spans the ranges (at address 0: place it with one <section> address). */
export interface CfiObject {
  bytes: Uint8Array;
  /** Where .text must go: the lowest range start. */
  textAddress: bigint;
}

const DW_CFA_def_cfa = 0x0c, DW_CFA_offset = 0x80, DW_CFA_offset_extended = 0x05, DW_CFA_nop = 0x00;
/** The psABI's alternate frame return column. */
export const RETURN_COLUMN = 64;

class Bytes {
  readonly out: number[] = [];
  u8(v: number): this { this.out.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v).u8(v >> 8); }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  u64(v: bigint): this { const x = BigInt.asUintN(64, v); return this.u32(Number(x & 0xffff_ffffn)).u32(Number(x >> 32n)); }
  uleb(v: number): this {
    do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; this.u8(b); } while (v);
    return this;
  }
  sleb(v: number): this {
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) { this.u8(b); return this; }
      this.u8(b | 0x80);
    }
  }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.u8(b[i]); return this; }
  get length(): number { return this.out.length; }
  pad(to: number): this { while (this.out.length % to) this.u8(0); return this; }
}

/** .debug_frame: one CIE with the frame's rules, one FDE per range; each FDE's start is relocated against .text. */
function debugFrame(d: TrapFrameCfi, text: bigint): { bytes: Uint8Array; relocations: Array<{ offset: number; addend: bigint }> } {
  const rules = new Bytes();
  rules.u8(DW_CFA_def_cfa).uleb(2).uleb(0); // CFA = sp: the frame's base
  for (const [reg, off] of [...d.registers].sort((a, b) => a[0] - b[0])) {
    if (reg < 1 || reg > 31 || off % 8) continue;
    rules.u8(DW_CFA_offset | reg).uleb(off / 8);
  }
  if (d.pc % 8 === 0) rules.u8(DW_CFA_offset_extended).uleb(RETURN_COLUMN).uleb(d.pc / 8);
  const cieBody = new Bytes()
    .u32(0xffff_ffff) // CIE id (.debug_frame)
    .u8(1) // version 1: the return column is a byte
    .u8(0) // no augmentation
    .uleb(1) // code alignment
    .sleb(8) // data alignment: offsets are in 8-byte units, upwards from the CFA
    .u8(RETURN_COLUMN)
    .bytes(rules.out);
  while ((cieBody.length + 4) % 8) cieBody.u8(DW_CFA_nop);
  const out = new Bytes().u32(cieBody.length).bytes(cieBody.out);
  const relocations: Array<{ offset: number; addend: bigint }> = [];
  for (const r of d.ranges) {
    const fde = new Bytes().u32(0).u64(0n).u64(r.end - r.start); // CIE at offset 0; the start comes from the relocation
    while ((fde.length + 4) % 8) fde.u8(DW_CFA_nop);
    relocations.push({ offset: out.length + 8, addend: r.start - text });
    out.u32(fde.length).bytes(fde.out);
  }
  return { bytes: Uint8Array.from(out.out), relocations };
}

const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8;
const SHF_ALLOC = 2, SHF_EXECINSTR = 4, SHF_INFO_LINK = 0x40;
const EM_RISCV = 243, ET_REL = 1, R_RISCV_64 = 2, STT_SECTION = 3;
const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4, EF_RISCV_RVC = 0x1;

interface Section { name: string; type: number; flags: number; data?: Uint8Array; size?: bigint; link?: number; info?: number; align: number; entsize?: number }

/**
 * The object gdb loads: .text (NOBITS over the ranges), .debug_frame and its relocations, a
 * symbol table with .text's section symbol. The relocations are what the assembler would
 * write for the same CFI; gdb 13 finds FDEs of a relocatable object only when they are there
 * (an FDE whose start is a plain 0 in the section is not found: checked with gdb-multiarch 13.1
 * on Linux's entry code).
 */
export function trapCfiObject(d: TrapFrameCfi): CfiObject | undefined {
  const ranges = d.ranges.filter((r) => r.end > r.start).sort((a, b) => (a.start < b.start ? -1 : 1));
  if (!ranges.length) return undefined;
  const text = ranges[0].start;
  const textSize = ranges.reduce((m, r) => (r.end > m ? r.end : m), 0n) - text;
  const frame = debugFrame({ ...d, ranges }, text);
  const rela = new Bytes();
  for (const r of frame.relocations) rela.u64(BigInt(r.offset)).u64((1n << 32n) | BigInt(R_RISCV_64)).u64(r.addend);
  const symtab = new Bytes().bytes(new Array(24).fill(0)) // the null symbol
    .u32(0).u8(STT_SECTION).u8(0).u16(1).u64(0n).u64(0n); // .text's section symbol (local)
  // section indices: 1 .text, 2 .debug_frame, 3 .rela.debug_frame, 4 .symtab, 5 .strtab, 6 .shstrtab
  const sections: Section[] = [
    { name: '.text', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_EXECINSTR, size: textSize, align: 2 },
    { name: '.debug_frame', type: SHT_PROGBITS, flags: 0, data: frame.bytes, align: 8 },
    { name: '.rela.debug_frame', type: SHT_RELA, flags: SHF_INFO_LINK, data: Uint8Array.from(rela.out), link: 4, info: 2, align: 8, entsize: 24 },
    { name: '.symtab', type: SHT_SYMTAB, flags: 0, data: Uint8Array.from(symtab.out), link: 5, info: 2, align: 8, entsize: 24 },
    { name: '.strtab', type: SHT_STRTAB, flags: 0, data: Uint8Array.of(0), align: 1 },
    { name: '.shstrtab', type: SHT_STRTAB, flags: 0, align: 1 },
  ];
  const shstr = new Bytes().u8(0);
  const nameOff = sections.map((sec) => { const o = shstr.length; shstr.bytes([...sec.name].map((c) => c.charCodeAt(0))).u8(0); return o; });
  sections[sections.length - 1].data = Uint8Array.from(shstr.out);
  const file = new Bytes().bytes(new Array(64).fill(0)); // the header, written below
  const offsets: number[] = [];
  for (const sec of sections) {
    file.pad(Math.max(sec.align, 1));
    offsets.push(file.length);
    if (sec.data) file.bytes(sec.data);
  }
  file.pad(8);
  const shoff = file.length;
  const sh = (name: number, type: number, flags: number, offset: number, size: bigint, link: number, info: number, align: number, entsize: number): void => {
    file.u32(name).u32(type).u64(BigInt(flags)).u64(0n).u64(BigInt(offset)).u64(size).u32(link).u32(info).u64(BigInt(align)).u64(BigInt(entsize));
  };
  sh(0, 0, 0, 0, 0n, 0, 0, 0, 0);
  sections.forEach((sec, i) => sh(nameOff[i], sec.type, sec.flags, offsets[i], sec.size ?? BigInt(sec.data?.length ?? 0), sec.link ?? 0, sec.info ?? 0, sec.align, sec.entsize ?? 0));
  const header = new Bytes()
    .bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).bytes(new Array(8).fill(0)) // ELF64, little endian, version 1
    .u16(ET_REL).u16(EM_RISCV).u32(1).u64(0n).u64(0n).u64(BigInt(shoff))
    .u32(EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE).u16(64).u16(0).u16(0).u16(64).u16(sections.length + 1).u16(sections.length);
  const bytes = Uint8Array.from(file.out);
  bytes.set(header.out, 0);
  return { bytes, textAddress: text };
}
