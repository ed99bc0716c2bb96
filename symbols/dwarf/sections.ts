// The DWARF sections as byte arrays, gathered from an ELF file (after any relocation), plus
// the byte order. Absent sections are empty arrays.
import { ElfFile } from '../elf/elf';

export interface DwarfSections {
  little: boolean;
  /** Address size of the target (from the ELF class), used where DWARF does not say. */
  addressSize: number;
  info: Uint8Array;
  abbrev: Uint8Array;
  str: Uint8Array;
  lineStr: Uint8Array;
  strOffsets: Uint8Array;
  addr: Uint8Array;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  loc: Uint8Array;
  loclists: Uint8Array;
  line: Uint8Array;
  frame: Uint8Array;
  ehFrame: Uint8Array;
  /** Address of .eh_frame in memory (its pcrel encodings are relative to it). */
  ehFrameAddr: bigint;
  aranges: Uint8Array;
}

/**
 * The DWARF sections of an ELF file. Each section's bytes are read from the file the first time
 * a parser asks for them (a 50 MB vmlinux needs only .debug_info's unit headers, .debug_aranges,
 * .debug_abbrev and .debug_line before the first answer).
 */
export function dwarfSectionsOf(elf: ElfFile): DwarfSections {
  const get = (name: string): Uint8Array => {
    const s = elf.section(name);
    return s ? elf.sectionData(s) : new Uint8Array(0);
  };
  const eh = elf.section('.eh_frame');
  const names: Record<string, string> = {
    info: '.debug_info', abbrev: '.debug_abbrev', str: '.debug_str', lineStr: '.debug_line_str', strOffsets: '.debug_str_offsets',
    addr: '.debug_addr', ranges: '.debug_ranges', rnglists: '.debug_rnglists', loc: '.debug_loc', loclists: '.debug_loclists',
    line: '.debug_line', frame: '.debug_frame', ehFrame: '.eh_frame', aranges: '.debug_aranges',
  };
  const out = { little: elf.little, addressSize: elf.is64 ? 8 : 4, ehFrameAddr: eh ? eh.addr : 0n } as DwarfSections;
  for (const [key, name] of Object.entries(names)) Object.defineProperty(out, key, { get: () => get(name), enumerable: true });
  return out;
}
