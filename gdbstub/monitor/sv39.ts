// Walks an Sv39 page table (RISC-V privileged spec, section "Sv39: Page-Based 39-bit Virtual-
// Memory System") through physical reads of a Target, for `monitor pagetable`. Returns every
// level it read, so the user sees where a translation ends, and the physical address if any.
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

export async function walkSv39(target: Target, satp: bigint, va: bigint): Promise<WalkResult> {
  const mode = Number(satp >> 60n);
  if (mode === 0) return { steps: [], physical: va, pageSize: undefined, problem: 'satp mode is Bare: no translation (VA = PA)' };
  if (mode !== 8) return { steps: [], problem: `satp mode ${mode} is not Sv39 (8)` };
  const top = va >> 38n;
  if (top !== 0n && top !== mask(26)) return { steps: [], problem: `0x${va.toString(16)} is not a canonical Sv39 address (bits 63..39 must equal bit 38)` };
  const steps: WalkStep[] = [];
  let table = (satp & mask(44)) << 12n;
  for (let level = 2; level >= 0; level--) {
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
