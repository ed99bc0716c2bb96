// What awareness needs from a machine, declared here so that awareness imports nothing but
// symbols/: the emulator's Target and the gdb stub's RSP client satisfy it structurally. Register
// numbers are gdb's RISC-V numbering (x0..x31 = 0..31, pc = 32, CSR n = 65 + n).

export type GuestSpace = { kind: 'physical' } | { kind: 'virtual'; hart: number } | { kind: 'satp'; satp: bigint };

export interface KernelTarget {
  readonly features: { harts: number };
  readRegister(hart: number, reg: number): Promise<bigint>;
  readMemory(address: bigint, length: number, space?: GuestSpace): Promise<Uint8Array>;
}

export const GDB_PC = 32;
export const CSR_SSCRATCH = 0x140, CSR_SATP = 0x180;
export const gdbCsr = (n: number): number => 65 + n;

/** satp's MODE field: 0 bare, 8 Sv39, 9 Sv48, 10 Sv57. */
export const satpMode = (satp: bigint): number => Number(satp >> 60n);

/**
 * Reads guest memory for one stop: kernel addresses through the kernel's page table (or
 * physically while paging is off), a process's through its own root. Reads are cached in
 * 512-byte chunks until `invalidate()` (the machine ran), so walking a task list over a remote
 * stub costs few round trips. Never throws: an unreadable range is `undefined`.
 */
export class GuestMemory {
  private readonly chunks = new Map<string, Uint8Array | null>();
  /**
   * Bumped whenever the cache is dropped. A read that began before (the machine was then
   * running, or about to) must not put what it got, or its failure, into the new cache: a
   * failed read cached as unreadable after a stop's invalidate() made every later read of that
   * chunk fail for the whole stop ("Cannot access memory" on a kernel global, intermittently).
   */
  private generation = 0;
  static readonly CHUNK = 512;
  /** Bytes read from the target since creation (tests and benches look at it). */
  bytesRead = 0;

  constructor(private readonly target: KernelTarget, private kernelSpace: GuestSpace = { kind: 'physical' }) {}

  setKernelSpace(space: GuestSpace): void {
    if (JSON.stringify(space, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(this.kernelSpace, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) return;
    this.kernelSpace = space;
    this.invalidate();
  }

  get kernel(): GuestSpace { return this.kernelSpace; }

  invalidate(): void { this.chunks.clear(); this.generation++; }

  /** `length` bytes at `addr` in `space` (the kernel's by default). */
  async read(addr: bigint, length: number, space: GuestSpace = this.kernelSpace): Promise<Uint8Array | undefined> {
    if (length <= 0) return new Uint8Array(0);
    if (addr < 0n || addr + BigInt(length) > 0xffff_ffff_ffff_ffffn + 1n) return undefined;
    const key = space.kind === 'satp' ? `s${space.satp}` : space.kind === 'virtual' ? `v${space.hart}` : 'p';
    const C = BigInt(GuestMemory.CHUNK);
    const out = new Uint8Array(length);
    let pos = 0;
    while (pos < length) {
      const a = addr + BigInt(pos);
      const base = a - (a % C);
      const ck = key + ':' + base.toString(16);
      let chunk = this.chunks.get(ck);
      if (chunk === undefined) {
        const generation = this.generation;
        try {
          chunk = await this.target.readMemory(base, GuestMemory.CHUNK, space);
          this.bytesRead += chunk.length;
        } catch {
          // the chunk straddles something unreadable: read just what was asked for
          try {
            const n = Math.min(length - pos, Number(base + C - a));
            const direct = await this.target.readMemory(a, n, space);
            this.bytesRead += direct.length;
            out.set(direct, pos);
            pos += n;
            continue;
          } catch { chunk = null; }
        }
        if (this.generation === generation) this.chunks.set(ck, chunk);
      }
      if (chunk === null) return undefined;
      const off = Number(a - base);
      const n = Math.min(length - pos, GuestMemory.CHUNK - off);
      out.set(chunk.subarray(off, off + n), pos);
      pos += n;
    }
    return out;
  }

  /** A reader in the given space, in the shape symbols/ expects. */
  reader(space?: GuestSpace): { readMemory(addr: bigint, size: number): Promise<Uint8Array | undefined> } {
    // without a space: the kernel's as it is at each read, not as it was when the reader was made
    return { readMemory: (a, n) => this.read(a, n, space ?? this.kernelSpace) };
  }

  async u64(addr: bigint, space?: GuestSpace): Promise<bigint | undefined> {
    const b = await this.read(addr, 8, space);
    return b && new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  /** A NUL-terminated string of at most `max` bytes (latin1); undefined when the first byte is unreadable. */
  async cstring(addr: bigint, max = 64, space?: GuestSpace): Promise<string | undefined> {
    if (addr === 0n) return undefined;
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const c = await this.read(addr + BigInt(i), 1, space); // cached by chunk
      if (!c) return i === 0 ? undefined : String.fromCharCode(...out);
      if (c[0] === 0) break;
      out.push(c[0]);
    }
    return String.fromCharCode(...out);
  }
}
