// Placing a relocatable object (a kernel module .ko/.o) at given section addresses, the way
// gdb's `add-symbol-file FILE -s .text A -s .data B ...` does: allocated sections get their
// load addresses, then the RISC-V relocations against the debug sections (.rela.debug_*) are
// applied so DWARF addresses become load addresses. Facts from the RISC-V ELF psABI
// (relocation numbers and their calculations); unknown relocation types give a warning.
import { ElfFile, ET_REL, SHF_ALLOC, SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_RELA, SHT_REL, ElfSymbol } from './elf';

const R_RISCV_32 = 1, R_RISCV_64 = 2;
const R_RISCV_ADD8 = 33, R_RISCV_ADD16 = 34, R_RISCV_ADD32 = 35, R_RISCV_ADD64 = 36;
const R_RISCV_SUB8 = 37, R_RISCV_SUB16 = 38, R_RISCV_SUB32 = 39, R_RISCV_SUB64 = 40;
const R_RISCV_SUB6 = 52, R_RISCV_SET6 = 53, R_RISCV_SET8 = 54, R_RISCV_SET16 = 55, R_RISCV_SET32 = 56;
const R_RISCV_32_PCREL = 57, R_RISCV_SET_ULEB128 = 60, R_RISCV_SUB_ULEB128 = 61;
const R_RISCV_NONE = 0, R_RISCV_RELAX = 51;

/** Section name (or index as a string) -> load address. Unlisted allocated sections stay at 0. */
export type SectionAddresses = Record<string, bigint>;

/**
 * Assigns load addresses to the allocated sections of a relocatable object and applies the
 * relocations of its non-allocated (debug) sections. Mutates `elf` (its section addresses and
 * cached section bytes). Returns the number of relocations applied.
 */
export function placeRelocatable(elf: ElfFile, addresses: SectionAddresses): number {
  if (elf.type !== ET_REL) {
    elf.warnings.add(`${elf.name}: not a relocatable object (e_type ${elf.type}); section addresses ignored`);
    return 0;
  }
  for (const s of elf.sections) {
    const a = addresses[s.name] ?? addresses[String(s.index)];
    if (a !== undefined && s.flags & BigInt(SHF_ALLOC)) s.addr = a;
  }
  const syms = elf.symbols();
  const symValue = (sym: ElfSymbol): bigint => {
    if (sym.shndx === SHN_UNDEF || sym.shndx === SHN_COMMON) return 0n;
    if (sym.shndx === SHN_ABS) return sym.value;
    const sec = elf.sections[sym.shndx];
    return sec ? sec.addr + sym.value : sym.value;
  };
  let applied = 0;
  for (const rs of elf.sections) {
    if (rs.type !== SHT_RELA && rs.type !== SHT_REL) continue;
    const target = elf.sections[rs.info];
    if (!target || target.flags & BigInt(SHF_ALLOC)) continue; // only debug sections
    const orig = elf.sectionData(target);
    const data = orig.slice();
    const view = new DataView(data.buffer);
    const le = elf.little;
    const put = (off: number, size: number, v: bigint): boolean => {
      if (off < 0 || off + size > data.length) return false;
      if (size === 1) data[off] = Number(BigInt.asUintN(8, v));
      else if (size === 2) view.setUint16(off, Number(BigInt.asUintN(16, v)), le);
      else if (size === 4) view.setUint32(off, Number(BigInt.asUintN(32, v)), le);
      else view.setBigUint64(off, BigInt.asUintN(64, v), le);
      return true;
    };
    const get = (off: number, size: number): bigint => {
      if (off < 0 || off + size > data.length) return 0n;
      if (size === 1) return BigInt(data[off]);
      if (size === 2) return BigInt(view.getUint16(off, le));
      if (size === 4) return BigInt(view.getUint32(off, le));
      return view.getBigUint64(off, le);
    };
    const relocs = elf.relocations(rs);
    let pendingUleb: bigint | undefined;
    for (const r of relocs) {
      const sym = syms[r.sym];
      if (!sym && r.sym !== 0) { elf.warnings.add(`${rs.name}: relocation names symbol ${r.sym}, which does not exist`); continue; }
      const S = sym ? symValue(sym) : 0n;
      const off = Number(r.offset);
      const A = rs.type === SHT_RELA ? r.addend : 0n;
      let ok = true;
      switch (r.type) {
        case R_RISCV_NONE: case R_RISCV_RELAX: continue;
        case R_RISCV_32: ok = put(off, 4, S + A); break;
        case R_RISCV_64: ok = put(off, 8, S + A); break;
        case R_RISCV_32_PCREL: ok = put(off, 4, S + A - (target.addr + r.offset)); break;
        case R_RISCV_ADD8: ok = put(off, 1, get(off, 1) + S + A); break;
        case R_RISCV_ADD16: ok = put(off, 2, get(off, 2) + S + A); break;
        case R_RISCV_ADD32: ok = put(off, 4, get(off, 4) + S + A); break;
        case R_RISCV_ADD64: ok = put(off, 8, get(off, 8) + S + A); break;
        case R_RISCV_SUB8: ok = put(off, 1, get(off, 1) - S - A); break;
        case R_RISCV_SUB16: ok = put(off, 2, get(off, 2) - S - A); break;
        case R_RISCV_SUB32: ok = put(off, 4, get(off, 4) - S - A); break;
        case R_RISCV_SUB64: ok = put(off, 8, get(off, 8) - S - A); break;
        case R_RISCV_SUB6: { const b = Number(get(off, 1)); ok = put(off, 1, BigInt((b & 0xc0) | (Number(BigInt.asUintN(6, BigInt(b & 0x3f) - S - A))))); break; }
        case R_RISCV_SET6: { const b = Number(get(off, 1)); ok = put(off, 1, BigInt((b & 0xc0) | Number(BigInt.asUintN(6, S + A)))); break; }
        case R_RISCV_SET8: ok = put(off, 1, S + A); break;
        case R_RISCV_SET16: ok = put(off, 2, S + A); break;
        case R_RISCV_SET32: ok = put(off, 4, S + A); break;
        case R_RISCV_SET_ULEB128: pendingUleb = S + A; break;
        case R_RISCV_SUB_ULEB128: ok = writeUleb(data, off, (pendingUleb ?? 0n) - S - A); pendingUleb = undefined; break;
        default:
          elf.warnings.add(`${rs.name}: relocation type ${r.type} at offset 0x${r.offset.toString(16)} is not supported; left unapplied`);
          continue;
      }
      if (!ok) elf.warnings.add(`${rs.name}: relocation at offset 0x${r.offset.toString(16)} lies outside ${target.name}`);
      else applied++;
    }
    elf.setSectionData(target, data);
  }
  return applied;
}

/** Rewrites a ULEB128 in place keeping its encoded length (as the psABI requires). */
function writeUleb(data: Uint8Array, off: number, v: bigint): boolean {
  let end = off;
  while (end < data.length && data[end] & 0x80) end++;
  if (end >= data.length) return false;
  v = BigInt.asUintN(64, v);
  for (let i = off; i <= end; i++) {
    data[i] = Number(v & 0x7fn) | (i < end ? 0x80 : 0);
    v >>= 7n;
  }
  return true;
}
