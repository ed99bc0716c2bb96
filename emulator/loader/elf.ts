// Kernel image loading: turns the bytes of a kernel file into the segments to copy into RAM,
// the entry point and the symbol table (tohost/fromhost for HTIF). Two kinds are accepted:
//  - ELF64 little-endian RISC-V (EM_RISCV = 243) executables: PT_LOAD segments placed at
//    p_paddr (bytes past p_filesz up to p_memsz are zero), symbols from .symtab;
//  - a Linux `Image` (RISC-V image header, magic "RSC\x05" at offset 0x38, Linux's
//    Documentation/arch/riscv/boot-image-header.rst): one raw segment at the caller's load
//    address, entered at its first byte.
// Everything else is refused with an ElfError whose one-line message names the file and what
// is wrong with it. Hostile input never throws anything but ElfError (fuzzed in the tests).
// Not hot path: 64-bit fields are read as bigint and checked before they become numbers.

export interface KernelSegment {
  /** Physical load address. */
  paddr: number;
  /** File bytes of the segment (p_filesz of them). */
  data: Uint8Array;
  /** Size in memory; bytes past data.length up to memSize are zero (.bss). */
  memSize: number;
  /**
   * Leading bytes of `data` that are the file's own ELF and program headers (ld puts them in
   * the first segment of a -Ttext program, below the text). QEMU loads such a program even
   * when the headers fall below RAM; checkSegmentsInRam trims them the same way.
   */
  headerBytes?: number;
}

export interface KernelImage {
  entry: bigint;
  segments: KernelSegment[];
  symbols: Map<string, bigint>;
  kind: 'elf' | 'raw';
  /**
   * The lowest physical address of the image as the file gives it (an ELF's lowest PT_LOAD
   * p_paddr, headers included, before any trimming to RAM; a raw Image's load address): what
   * QEMU's loader returns for the kernel and places the initrd after.
   */
  lowAddress: number;
}

/** A physical RAM range the segments must fall in. */
export interface RamRange {
  base: number;
  size: number;
}

export class ElfError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ElfError';
  }
}

export const EM_RISCV = 243;
const ET_EXEC = 2;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_ABS = 0xfff1;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;

/** Machines a user might feed us by mistake, for a message that says which one it is. */
const MACHINE_NAMES: Record<number, string> = {
  2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM',
  42: 'SuperH', 50: 'IA-64', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

/** Offset of the RISC-V Linux image header's magic2 ("RSC\x05"). */
const RISCV_IMAGE_MAGIC2_OFFSET = 0x38;
const RISCV_IMAGE_MAGIC2 = [0x52, 0x53, 0x43, 0x05];

/** Whether `bytes` starts with a RISC-V Linux `Image` header. */
export function isRiscvLinuxImage(bytes: Uint8Array): boolean {
  if (bytes.length < 0x40) return false;
  return RISCV_IMAGE_MAGIC2.every((b, i) => bytes[RISCV_IMAGE_MAGIC2_OFFSET + i] === b);
}

/**
 * Parses a kernel file. `rawLoadAddress` places a raw Linux Image (the Machine passes
 * 0x8020_0000 behind firmware, 0x8000_0000 without); `ram`, when given, is the RAM range every
 * segment must fall in.
 */
export function loadKernelImage(bytes: Uint8Array, name: string, rawLoadAddress = 0x8000_0000, ram?: RamRange): KernelImage {
  const image = isElfMagic(bytes) ? parseElf(bytes, name) : parseRaw(bytes, name, rawLoadAddress);
  if (ram) checkSegmentsInRam(image, ram, name);
  return image;
}

/**
 * Throws ElfError when a segment does not lie wholly inside `ram`. A first segment that starts
 * below RAM only with the file's headers and zero padding (ld's layout for -Ttext=RAM base) is
 * trimmed to RAM in place, as QEMU ignores that part.
 */
export function checkSegmentsInRam(image: KernelImage, ram: RamRange, name: string): void {
  const end = ram.base + ram.size;
  for (let i = 0; i < image.segments.length; i++) {
    const s = image.segments[i];
    if (s.paddr < ram.base && s.paddr + s.memSize > ram.base && onlyHeadersBelow(s, ram.base - s.paddr)) {
      const cut = ram.base - s.paddr;
      image.segments[i] = { paddr: ram.base, data: s.data.subarray(cut), memSize: s.memSize - cut };
      continue;
    }
    if (s.paddr < ram.base || s.paddr + s.memSize > end) {
      throw new ElfError(name, `segment at ${hex(s.paddr)} (${s.memSize} bytes) lies outside RAM ${hex(ram.base)}..${hex(end)}`);
    }
  }
}

function onlyHeadersBelow(s: KernelSegment, cut: number): boolean {
  const headers = s.headerBytes ?? 0;
  if (headers === 0 || cut > s.data.length) return false;
  for (let k = headers; k < cut; k++) if (s.data[k] !== 0) return false;
  return true;
}

function isElfMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

function parseRaw(bytes: Uint8Array, name: string, loadAddress: number): KernelImage {
  if (!isRiscvLinuxImage(bytes)) {
    throw new ElfError(name, bytes.length < 4 ? `not an ELF file (only ${bytes.length} bytes)` : 'not an ELF file and not a RISC-V Linux Image (no "RSC\\x05" magic at 0x38)');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // image_size at 0x10 is the whole memory footprint the kernel expects (includes .bss).
  const imageSize = v.getBigUint64(0x10, true);
  const memSize = imageSize > BigInt(bytes.length) && imageSize < 1n << 40n ? Number(imageSize) : bytes.length;
  return {
    entry: BigInt(loadAddress),
    segments: [{ paddr: loadAddress, data: bytes.slice(), memSize }],
    symbols: new Map(),
    kind: 'raw',
    lowAddress: loadAddress,
  };
}

/** Bounds-checked little-endian reader over the file that reports truncation by offset. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly name: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, size: number, what: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length) {
      throw new ElfError(this.name, `truncated: ${what} at offset ${hex(offset)} (${size} bytes) runs past the end of the file (${this.bytes.length} bytes)`);
    }
  }
  u8(o: number): number { this.need(o, 1, 'field'); return this.view.getUint8(o); }
  u16(o: number): number { this.need(o, 2, 'field'); return this.view.getUint16(o, true); }
  u32(o: number): number { this.need(o, 4, 'field'); return this.view.getUint32(o, true); }
  u64(o: number): bigint { this.need(o, 8, 'field'); return this.view.getBigUint64(o, true); }
  /** A 64-bit field that must fit a file offset or size (a safe integer). */
  offset(o: number, what: string): number {
    const v = this.u64(o);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(this.name, `${what} ${hex(v)} is out of range`);
    return Number(v);
  }
  cstring(o: number, what: string): string {
    let s = '';
    for (let i = o; ; i++) {
      if (i < 0 || i >= this.bytes.length) throw new ElfError(this.name, `truncated: ${what} at offset ${hex(o)} has no terminating NUL`);
      const c = this.bytes[i];
      if (c === 0) return s;
      s += String.fromCharCode(c);
    }
  }
}

function parseElf(bytes: Uint8Array, name: string): KernelImage {
  const r = new Reader(bytes, name);
  if (bytes.length < 6) throw new ElfError(name, `truncated: ELF identification at offset 0x0 needs 16 bytes, the file has ${bytes.length}`);
  const cls = bytes[4];
  if (cls === 1) throw new ElfError(name, 'ELF32 file; an ELF64 RISC-V kernel is needed');
  if (cls !== 2) throw new ElfError(name, `bad ELF class ${cls}; an ELF64 RISC-V kernel is needed`);
  const data = bytes[5];
  if (data === 2) throw new ElfError(name, 'big-endian ELF; RISC-V kernels are little-endian');
  if (data !== 1) throw new ElfError(name, `bad ELF data encoding ${data}`);
  r.need(0, EHDR_SIZE, 'ELF header');
  const machine = r.u16(18);
  if (machine !== EM_RISCV) {
    const what = MACHINE_NAMES[machine] ?? 'unknown';
    throw new ElfError(name, `wrong machine: ELF for ${what} (e_machine ${machine}), not RISC-V (243)`);
  }
  const type = r.u16(16);
  if (type !== ET_EXEC) {
    const kinds: Record<number, string> = { 0: 'no file type', 1: 'a relocatable object (ET_REL)', 3: 'a shared object or PIE (ET_DYN)', 4: 'a core dump (ET_CORE)' };
    throw new ElfError(name, `not an executable: ${kinds[type] ?? `e_type ${type}`}; link it as a static executable`);
  }
  const entry = r.u64(24);
  const phoff = r.offset(32, 'program header offset');
  const shoff = r.offset(40, 'section header offset');
  const phentsize = r.u16(54);
  const phnum = r.u16(56);
  const shentsize = r.u16(58);
  const shnum = r.u16(60);
  if (phnum === 0) throw new ElfError(name, 'no program headers: nothing to load');
  if (phentsize < PHDR_SIZE) throw new ElfError(name, `program header entry size ${phentsize} is smaller than ${PHDR_SIZE}`);
  r.need(phoff, phentsize * phnum, 'program header table');

  const segments: KernelSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (r.u32(p) !== PT_LOAD) continue;
    const offset = r.offset(p + 8, `segment ${i} file offset`);
    const paddr = r.offset(p + 24, `segment ${i} physical address`);
    const filesz = r.offset(p + 32, `segment ${i} file size`);
    const memsz = r.offset(p + 40, `segment ${i} memory size`);
    if (filesz > memsz) throw new ElfError(name, `segment ${i} has a file size (${filesz}) larger than its memory size (${memsz})`);
    if (memsz === 0) continue;
    if (paddr + memsz > Number.MAX_SAFE_INTEGER) throw new ElfError(name, `segment ${i} at ${hex(paddr)} wraps the address space`);
    r.need(offset, filesz, `segment ${i} data`);
    const headerEnd = Math.max(EHDR_SIZE, phoff + phentsize * phnum);
    const seg: KernelSegment = { paddr, data: bytes.slice(offset, offset + filesz), memSize: memsz };
    if (offset === 0 && filesz >= headerEnd) seg.headerBytes = headerEnd;
    segments.push(seg);
  }
  if (segments.length === 0) throw new ElfError(name, 'no loadable (PT_LOAD) segment');
  checkOverlaps(segments, name);
  const symbols = shnum > 0 && shoff !== 0 ? readSymbols(r, shoff, shentsize, shnum) : new Map<string, bigint>();
  return { entry, segments, symbols, kind: 'elf', lowAddress: Math.min(...segments.map((s) => s.paddr)) };
}

function checkOverlaps(segments: KernelSegment[], name: string): void {
  const sorted = [...segments].sort((a, b) => a.paddr - b.paddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.paddr + prev.memSize > sorted[i].paddr) {
      throw new ElfError(name, `segments at ${hex(prev.paddr)} and ${hex(sorted[i].paddr)} overlap`);
    }
  }
}

/** Named function, object and untyped symbols of every SHT_SYMTAB; globals win over locals. */
function readSymbols(r: Reader, shoff: number, shentsize: number, shnum: number): Map<string, bigint> {
  if (shentsize < SHDR_SIZE) throw new ElfError(r.name, `section header entry size ${shentsize} is smaller than ${SHDR_SIZE}`);
  r.need(shoff, shentsize * shnum, 'section header table');
  const symbols = new Map<string, bigint>();
  const local = new Set<string>();
  for (let i = 0; i < shnum; i++) {
    const sh = shoff + i * shentsize;
    if (r.u32(sh + 4) !== SHT_SYMTAB) continue;
    const off = r.offset(sh + 24, `section ${i} offset`);
    const size = r.offset(sh + 32, `section ${i} size`);
    const link = r.u32(sh + 40);
    if (link >= shnum) throw new ElfError(r.name, `symbol table (section ${i}) links to string table ${link}, past the ${shnum} sections`);
    const strSh = shoff + link * shentsize;
    const strOff = r.offset(strSh + 24, `section ${link} offset`);
    const strSize = r.offset(strSh + 32, `section ${link} size`);
    r.need(off, size, `symbol table (section ${i})`);
    r.need(strOff, strSize, `string table (section ${link})`);
    const count = Math.floor(size / SYM_SIZE);
    for (let k = 1; k < count; k++) {
      const s = off + k * SYM_SIZE;
      const nameOff = r.u32(s);
      const info = r.u8(s + 4);
      const shndx = r.u16(s + 6);
      const type = info & 0xf;
      const bind = info >> 4;
      if (nameOff === 0 || (type !== STT_NOTYPE && type !== STT_OBJECT && type !== STT_FUNC)) continue;
      if (shndx === SHN_UNDEF || (shndx >= SHN_LORESERVE && shndx !== SHN_ABS)) continue;
      if (nameOff >= strSize) throw new ElfError(r.name, `symbol ${k} names string ${hex(nameOff)}, past the string table (${strSize} bytes)`);
      const symName = r.cstring(strOff + nameOff, `name of symbol ${k}`);
      const value = r.u64(s + 8);
      if (bind === STB_LOCAL) {
        if (symbols.has(symName)) continue;
        local.add(symName);
        symbols.set(symName, value);
      } else if (!symbols.has(symName) || local.has(symName)) {
        local.delete(symName);
        symbols.set(symName, value);
      }
    }
  }
  return symbols;
}
