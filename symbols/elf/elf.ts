// ELF32/ELF64 reader: header, section headers, program headers, symbol tables, relocations.
// Reads through a ByteSource; malformed parts are dropped with a warning, never thrown past
// openElf(). Section contents are read on demand and cached.
import { ByteSource, Reader, stringAt } from '../bytes';
import { SymbolsError, WarningSink } from '../errors';

export const SHT_SYMTAB = 2, SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9, SHT_DYNSYM = 11;
export const SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;
export const ET_REL = 1, ET_EXEC = 2, ET_DYN = 3;
export const EM_RISCV = 243;
export const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4;
export const SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  other: number;
  shndx: number;
}

export interface ElfRelocation {
  offset: bigint;
  type: number;
  sym: number;
  addend: bigint;
}

export class ElfFile {
  warnings = new WarningSink();
  readonly is64: boolean;
  readonly little: boolean;
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly sections: ElfSection[] = [];
  readonly segments: ElfSegment[] = [];
  private readonly cache = new Map<number, Uint8Array>();
  private symtabCache?: ElfSymbol[];

  constructor(readonly source: ByteSource, readonly name = 'ELF file') {
    const id = source.read(0, 16);
    if (id.length < 16 || id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) {
      throw new SymbolsError(`${name} is not an ELF file (bad magic)`, { section: 'ELF header', offset: 0 });
    }
    if (id[4] !== 1 && id[4] !== 2) throw new SymbolsError(`${name}: bad ELF class ${id[4]}`, { section: 'ELF header', offset: 4 });
    if (id[5] !== 1 && id[5] !== 2) throw new SymbolsError(`${name}: bad ELF data encoding ${id[5]}`, { section: 'ELF header', offset: 5 });
    this.is64 = id[4] === 2;
    this.little = id[5] === 1;
    const hdr = new Reader(source.read(0, this.is64 ? 64 : 52), this.little, 'ELF header');
    hdr.pos = 16;
    this.type = hdr.u16();
    this.machine = hdr.u16();
    hdr.u32();
    this.entry = this.addr(hdr);
    const phoff = this.off(hdr), shoff = this.off(hdr);
    hdr.u32();
    hdr.u16();
    const phentsize = hdr.u16(), phnum = hdr.u16(), shentsize = hdr.u16();
    let shnum = hdr.u16(), shstrndx = hdr.u16();
    this.readSections(shoff, shentsize, shnum, shstrndx);
    this.readSegments(phoff, phentsize, phnum);
  }

  private addr(r: Reader): bigint { return this.is64 ? r.u64() : BigInt(r.u32()); }
  private off(r: Reader): number { return this.is64 ? r.u64n() : r.u32(); }

  private readSections(shoff: number, entsize: number, shnum: number, shstrndx: number): void {
    if (shoff === 0) return;
    const minSize = this.is64 ? 64 : 40;
    if (entsize < minSize) { this.warnings.add(`${this.name}: section header entry size ${entsize} too small`); return; }
    try {
      if (shnum === 0) { // extended numbering: count in section 0's sh_size
        const r0 = new Reader(this.source.read(shoff, entsize), this.little, 'section headers', 0, shoff);
        r0.pos = this.is64 ? 32 : 20;
        shnum = this.is64 ? r0.u64n() : r0.u32();
        if (shstrndx === 0xffff) { r0.pos = this.is64 ? 44 : 28; shstrndx = r0.u32(); }
      }
      const maxBySize = Math.floor(Math.max(0, this.source.size - shoff) / entsize);
      if (shnum > maxBySize) { this.warnings.add(`${this.name}: ${shnum} section headers do not fit in the file; reading ${maxBySize}`); shnum = maxBySize; }
      const r = new Reader(this.source.read(shoff, shnum * entsize), this.little, 'section headers', 0, shoff);
      const nameOffs: number[] = [];
      for (let i = 0; i < shnum; i++) {
        r.pos = i * entsize;
        const nameOff = r.u32(), type = r.u32();
        const flags = this.is64 ? r.u64() : BigInt(r.u32());
        const addr = this.addr(r);
        const offset = this.off(r);
        const size = this.is64 ? r.u64n() : r.u32();
        const link = r.u32(), info = r.u32();
        const addralign = this.is64 ? r.u64n() : r.u32();
        const es = this.is64 ? r.u64n() : r.u32();
        nameOffs.push(nameOff);
        this.sections.push({ index: i, name: '', type, flags, addr, offset, size, link, info, addralign, entsize: es });
      }
      const strtab = shstrndx < this.sections.length ? this.sectionData(this.sections[shstrndx]) : new Uint8Array(0);
      for (let i = 0; i < this.sections.length; i++) this.sections[i].name = stringAt(strtab, nameOffs[i]) ?? `<bad name ${nameOffs[i]}>`;
    } catch (e) {
      this.warnings.caught(`${this.name}: section headers`, e);
    }
  }

  private readSegments(phoff: number, entsize: number, phnum: number): void {
    if (phoff === 0 || phnum === 0) return;
    try {
      if (entsize < (this.is64 ? 56 : 32)) throw new SymbolsError(`program header entry size ${entsize} too small`);
      const maxBySize = Math.floor(Math.max(0, this.source.size - phoff) / entsize);
      const n = Math.min(phnum, maxBySize);
      const r = new Reader(this.source.read(phoff, n * entsize), this.little, 'program headers', 0, phoff);
      for (let i = 0; i < n; i++) {
        r.pos = i * entsize;
        if (this.is64) {
          const type = r.u32(), flags = r.u32(), offset = r.u64n(), vaddr = r.u64(), paddr = r.u64(), filesz = r.u64n(), memsz = r.u64n();
          this.segments.push({ type, flags, offset, vaddr, paddr, filesz, memsz });
        } else {
          const type = r.u32(), offset = r.u32(), vaddr = BigInt(r.u32()), paddr = BigInt(r.u32()), filesz = r.u32(), memsz = r.u32(), flags = r.u32();
          this.segments.push({ type, flags, offset, vaddr, paddr, filesz, memsz });
        }
      }
    } catch (e) {
      this.warnings.caught(`${this.name}: program headers`, e);
    }
  }

  section(name: string): ElfSection | undefined { return this.sections.find((s) => s.name === name); }

  /** Raw bytes of a section (empty for NOBITS); truncated sections give what the file has, with a warning. */
  sectionData(s: ElfSection): Uint8Array {
    const hit = this.cache.get(s.index);
    if (hit) return hit;
    let data: Uint8Array = new Uint8Array(0);
    if (s.type !== SHT_NOBITS && s.size > 0) {
      data = this.source.read(s.offset, s.size);
      if (data.length < s.size) this.warnings.add(`${this.name}: section ${s.name} is truncated (${data.length} of ${s.size} bytes)`);
    }
    this.cache.set(s.index, data);
    return data;
  }

  /** Replaces a section's contents (used when relocations are applied). */
  setSectionData(s: ElfSection, data: Uint8Array): void { this.cache.set(s.index, data); }

  reader(s: ElfSection): Reader { return new Reader(this.sectionData(s), this.little, s.name); }

  /** Symbols of .symtab (or .dynsym when there is no .symtab). */
  symbols(): ElfSymbol[] {
    if (this.symtabCache) return this.symtabCache;
    const out: ElfSymbol[] = [];
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB) ?? this.sections.find((s) => s.type === SHT_DYNSYM);
    if (tab) for (const s of this.readSymbols(tab)) out.push(s); // no spread: a big kernel has more symbols than a call takes arguments
    this.symtabCache = out;
    return out;
  }

  readSymbols(tab: ElfSection): ElfSymbol[] {
    const out: ElfSymbol[] = [];
    try {
      const strtab = tab.link < this.sections.length ? this.sectionData(this.sections[tab.link]) : new Uint8Array(0);
      const r = this.reader(tab);
      const es = tab.entsize || (this.is64 ? 24 : 16);
      if (es < (this.is64 ? 24 : 16)) throw new SymbolsError(`symbol entry size ${es} too small`, { section: tab.name });
      const n = Math.floor(r.length / es);
      for (let i = 0; i < n; i++) {
        r.pos = i * es;
        let name: number, value: bigint, size: bigint, info: number, other: number, shndx: number;
        if (this.is64) { name = r.u32(); info = r.u8(); other = r.u8(); shndx = r.u16(); value = r.u64(); size = r.u64(); }
        else { name = r.u32(); value = BigInt(r.u32()); size = BigInt(r.u32()); info = r.u8(); other = r.u8(); shndx = r.u16(); }
        out.push({ name: stringAt(strtab, name) ?? '', value, size, type: info & 0xf, bind: info >> 4, other, shndx });
      }
    } catch (e) {
      this.warnings.caught(`${this.name}: symbols`, e);
    }
    return out;
  }

  /** Relocations of a REL/RELA section. */
  relocations(rs: ElfSection): ElfRelocation[] {
    const out: ElfRelocation[] = [];
    try {
      const rela = rs.type === SHT_RELA;
      const es = rs.entsize || (this.is64 ? (rela ? 24 : 16) : (rela ? 12 : 8));
      const r = this.reader(rs);
      const n = Math.floor(r.length / es);
      for (let i = 0; i < n; i++) {
        r.pos = i * es;
        if (this.is64) {
          const offset = r.u64(), info = r.u64(), addend = rela ? r.i64() : 0n;
          out.push({ offset, type: Number(info & 0xffffffffn), sym: Number(info >> 32n), addend });
        } else {
          const offset = BigInt(r.u32()), info = r.u32(), addend = rela ? BigInt(r.i32()) : 0n;
          out.push({ offset, type: info & 0xff, sym: info >>> 8, addend });
        }
      }
    } catch (e) {
      this.warnings.caught(`${this.name}: relocations in ${rs.name}`, e);
    }
    return out;
  }

  /** Reads `length` bytes of the loaded image at a virtual address (from allocated sections). */
  readVirtual(addr: bigint, length: number): Uint8Array | undefined {
    for (const s of this.sections) {
      if (!(s.flags & BigInt(SHF_ALLOC)) || s.size === 0) continue;
      if (addr >= s.addr && addr + BigInt(length) <= s.addr + BigInt(s.size)) {
        const off = Number(addr - s.addr);
        if (s.type === SHT_NOBITS) return new Uint8Array(length);
        const d = this.sectionData(s);
        if (off + length > d.length) return undefined;
        return d.subarray(off, off + length);
      }
    }
    return undefined;
  }
}

/** Opens an ELF file; returns undefined plus a reason when it is not one at all. */
export function openElf(source: ByteSource, name?: string): { elf?: ElfFile; error?: string } {
  try {
    return { elf: new ElfFile(source, name) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
