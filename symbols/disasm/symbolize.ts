// Names addresses for the disassembler the way objdump does: the nearest preceding symbol
// in the section that holds the address (functions and objects before other symbols at the
// same address, globals before locals), `<section+off>` when the section has none before it,
// and `<first-0x...>` for addresses below every symbol. Also reads the privileged-spec
// version and __global_pointer$ the disassembler needs from the ELF file.
import { ElfFile, ElfSymbol, SHF_ALLOC, SHN_UNDEF, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION } from '../elf/elf';
import { PrivSpec } from './csr-names';
import { DisassemblerOptions } from './riscv';

/** objdump's order among symbols at one address: functions, objects, non-locals, globals, larger, no leading dot, then by name. */
function better(a: ElfSymbol, b: ElfSymbol): number {
  const fa = a.type === STT_FUNC, fb = b.type === STT_FUNC;
  if (fa !== fb) return fa ? -1 : 1;
  const oa = a.type === STT_OBJECT, ob = b.type === STT_OBJECT;
  if (oa !== ob) return oa ? -1 : 1;
  const la = a.bind === 0, lb = b.bind === 0;
  if (la !== lb) return la ? 1 : -1;
  const ga = a.bind === 1, gb = b.bind === 1;
  if (ga !== gb) return ga ? -1 : 1;
  if (a.size !== b.size) return a.size > b.size ? -1 : 1; // larger ELF symbols first (binutils PR20337)
  const da = a.name.startsWith('.'), db = b.name.startsWith('.');
  if (da !== db) return da ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function objdumpSymbolizer(elf: ElfFile): (addr: bigint) => string | undefined {
  const syms = elf.symbols().filter((s) => s.shndx !== SHN_UNDEF && s.type !== STT_SECTION && s.type !== STT_FILE && s.name !== '' && !s.name.startsWith('$') && !s.name.startsWith('.L'));
  syms.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : better(a, b)));
  const allocated = elf.sections.filter((s) => s.flags & BigInt(SHF_ALLOC) && s.size > 0);
  const sectionOf = (a: bigint) => allocated.find((s) => a >= s.addr && a < s.addr + BigInt(s.size));
  const off = (d: bigint) => (d === 0n ? '' : d > 0n ? `+0x${d.toString(16)}` : `-0x${(-d).toString(16)}`);
  const firstCode = allocated.find((s) => s.flags & 4n);
  return (addr: bigint) => {
    const sec = sectionOf(addr);
    if (!syms.length) {
      const base = sec ?? firstCode;
      return base ? `<${base.name}${off(addr - base.addr)}>` : undefined;
    }
    let lo = 0, hi = syms.length - 1, best = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (syms[mid].value <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1; }
    if (best < 0) return `<${syms[0].name}${off(addr - syms[0].value)}>`;
    if (sec) {
      for (let i = best; i >= 0; i--) {
        const s = syms[i];
        if (s.value < sec.addr) break;
        if (s.shndx === sec.index) {
          // the first (best-ordered) symbol in this section at that address
          let pick = s;
          for (let k = i - 1; k >= 0 && syms[k].value === s.value; k--) if (syms[k].shndx === sec.index) pick = syms[k];
          return `<${pick.name}${off(addr - pick.value)}>`;
        }
      }
      return `<${sec.name}${off(addr - sec.addr)}>`;
    }
    let pick = syms[best];
    for (let k = best - 1; k >= 0 && syms[k].value === pick.value; k--) pick = syms[k];
    return `<${pick.name}${off(addr - pick.value)}>`;
  };
}

/** Tag_RISCV_priv_spec and _minor from .riscv.attributes, as 1.11 -> 111; 0 when absent. */
export function privSpecOf(elf: ElfFile): PrivSpec { return attributesOf(elf).privSpec; }

/** The extensions named by Tag_RISCV_arch (`rv64i2p1_m2p0_..._zicsr2p0` -> i, m, ..., zicsr); undefined when absent. */
export function extensionsOf(elf: ElfFile): Set<string> | undefined {
  return isaExtensions(attributesOf(elf).arch);
}

/** The extensions of an ISA string as the tools write it (`rv64i2p1_m2p0_..._zicsr2p0`). */
export function isaExtensions(arch: string | undefined): Set<string> | undefined {
  if (!arch || !/^rv(32|64)/.test(arch)) return undefined;
  return new Set(arch.slice(4).split('_').map((x) => x.replace(/\d+p\d+$/, '')).filter(Boolean));
}

function attributesOf(elf: ElfFile): { privSpec: PrivSpec; arch?: string } {
  const s = elf.section('.riscv.attributes');
  if (!s) return { privSpec: 0 };
  const d = elf.sectionData(s);
  // format-version 'A', then subsections: u32 length, "riscv\0", then tag 1 (file) u32 length, then uleb tag/value pairs
  let p = 1;
  let major = 0, minor = 0, arch: string | undefined;
  const uleb = (): number => { let r = 0, sh = 0; for (let i = 0; i < 5 && p < d.length; i++) { const b = d[p++]; r |= (b & 0x7f) << sh; sh += 7; if (!(b & 0x80)) break; } return r >>> 0; };
  try {
    if (d[0] !== 0x41) return { privSpec: 0 };
    const vend = d.indexOf(0, p + 4);
    p = vend + 1;
    if (d[p] !== 1) return { privSpec: 0 };
    p += 5;
    while (p < d.length) {
      const tag = uleb();
      if (tag % 2 === 1 && tag !== 5) { // string-valued (5 is Tag_RISCV_arch: a string too)
        while (p < d.length && d[p] !== 0) p++;
        p++;
        continue;
      }
      if (tag === 5) { const a = p; while (p < d.length && d[p] !== 0) p++; arch = String.fromCharCode(...d.subarray(a, Math.min(p, a + 512))); p++; continue; }
      const v = uleb();
      if (tag === 8) major = v;
      else if (tag === 10) minor = v;
    }
  } catch { return { privSpec: 0 }; }
  return { privSpec: (major ? major * 100 + minor : 0) as PrivSpec, arch };
}

/** Options for disassembling an ELF file's code the way objdump prints it. */
export function disassemblerOptionsFor(elf: ElfFile): DisassemblerOptions {
  const gp = elf.symbols().find((s) => s.name === '__global_pointer$');
  return { symbolize: objdumpSymbolizer(elf), privSpec: privSpecOf(elf), gp: gp?.value, extensions: extensionsOf(elf) };
}
