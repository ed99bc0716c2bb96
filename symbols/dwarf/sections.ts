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

export function dwarfSectionsOf(elf: ElfFile): DwarfSections {
  const get = (name: string): Uint8Array => {
    const s = elf.section(name);
    return s ? elf.sectionData(s) : new Uint8Array(0);
  };
  const eh = elf.section('.eh_frame');
  return {
    little: elf.little,
    addressSize: elf.is64 ? 8 : 4,
    info: get('.debug_info'),
    abbrev: get('.debug_abbrev'),
    str: get('.debug_str'),
    lineStr: get('.debug_line_str'),
    strOffsets: get('.debug_str_offsets'),
    addr: get('.debug_addr'),
    ranges: get('.debug_ranges'),
    rnglists: get('.debug_rnglists'),
    loc: get('.debug_loc'),
    loclists: get('.debug_loclists'),
    line: get('.debug_line'),
    frame: get('.debug_frame'),
    ehFrame: get('.eh_frame'),
    ehFrameAddr: eh ? eh.addr : 0n,
    aranges: get('.debug_aranges'),
  };
}
