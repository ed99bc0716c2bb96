// Walks an Sv39, Sv48 or Sv57 page table (RISC-V privileged spec, sections "Sv39", "Sv48" and
// "Sv57: Page-Based 39/48/57-bit Virtual-Memory System") through physical reads of a Target,
// for `monitor pagetable` and the RSP client's satp address space. Returns every level it
// read, so the user sees where a translation ends, and the physical address if any.
import type { Target } from '../../emulator/target';

export interface WalkStep {
  level: number;
  pteAddress: bigint;
  pte: bigint;
  /** 'next' (points to the next level), 'leaf', or why the walk stopped. */
  verdict: 'next' | 'leaf' | 'invalid' | 'reserved' | 'misaligned-superpage' | 'too-deep';
}

export interface WalkResult {
  steps: WalkStep[];
  physical?: bigint;
  /** Page size of the leaf in bytes. */
  pageSize?: bigint;
  /** Why there is no translation (bare mode, non-canonical address, an invalid PTE...). */
  problem?: string;
}

const PTE_FLAGS = ['V', 'R', 'W', 'X', 'U', 'G', 'A', 'D'];

export function pteFlags(pte: bigint): string {
  return PTE_FLAGS.filter((_, i) => (pte >> BigInt(i)) & 1n).join('') || '-';
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** satp MODE -> name and page-table levels. */
const MODES = new Map([[8, { name: 'Sv39', levels: 3 }], [9, { name: 'Sv48', levels: 4 }], [10, { name: 'Sv57', levels: 5 }]]);

/** Walks the page table satp names (Sv39, Sv48 or Sv57) for va. */
export async function walkPageTable(target: Target, satp: bigint, va: bigint): Promise<WalkResult> {
  satp = BigInt.asUintN(64, satp);
  va = BigInt.asUintN(64, va);
  const mode = Number(satp >> 60n);
  if (mode === 0) return { steps: [], physical: va, pageSize: undefined, problem: 'satp mode is Bare: no translation (VA = PA)' };
  const m = MODES.get(mode);
  if (!m) return { steps: [], problem: `satp mode ${mode} is not Sv39 (8), Sv48 (9) or Sv57 (10)` };
  const valen = 12 + 9 * m.levels;
  const top = va >> BigInt(valen - 1);
  if (top !== 0n && top !== mask(65 - valen)) {
    return { steps: [], problem: `0x${va.toString(16)} is not a canonical ${m.name} address (bits 63..${valen} must equal bit ${valen - 1})` };
  }
  const steps: WalkStep[] = [];
  let table = (satp & mask(44)) << 12n;
  for (let level = m.levels - 1; level >= 0; level--) {
    const vpn = (va >> BigInt(12 + 9 * level)) & mask(9);
    const pteAddress = table + vpn * 8n;
    const bytes = await target.readMemory(pteAddress, 8, { kind: 'physical' });
    let pte = 0n;
    for (let i = 7; i >= 0; i--) pte = (pte << 8n) | BigInt(bytes[i]);
    const v = pte & 1n, r = (pte >> 1n) & 1n, w = (pte >> 2n) & 1n, x = (pte >> 3n) & 1n;
    const ppn = (pte >> 10n) & mask(44);
    if (!v) { steps.push({ level, pteAddress, pte, verdict: 'invalid' }); return { steps, problem: `level ${level} PTE is not valid` }; }
    if (!r && w) { steps.push({ level, pteAddress, pte, verdict: 'reserved' }); return { steps, problem: `level ${level} PTE has W without R (reserved)` }; }
    if (r || x) {
      if (level > 0 && (ppn & mask(9 * level)) !== 0n) {
        steps.push({ level, pteAddress, pte, verdict: 'misaligned-superpage' });
        return { steps, problem: `level ${level} leaf is a misaligned superpage` };
      }
      steps.push({ level, pteAddress, pte, verdict: 'leaf' });
      const offsetBits = 12 + 9 * level;
      const physical = ((ppn << 12n) & ~mask(offsetBits)) | (va & mask(offsetBits));
      return { steps, physical, pageSize: 1n << BigInt(offsetBits) };
    }
    if (level === 0) { steps.push({ level, pteAddress, pte, verdict: 'too-deep' }); break; }
    steps.push({ level, pteAddress, pte, verdict: 'next' });
    table = ppn << 12n;
  }
  return { steps, problem: 'level 0 PTE is not a leaf' };
}

/** The walk under its first name (it handles Sv48 and Sv57 too). */
export const walkSv39 = walkPageTable;
