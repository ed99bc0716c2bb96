// Machine operations the gdb stub offers as `monitor` commands but that are not part of the
// Target seam (they belong to a whole machine, not to a debugger's view of harts and memory).
// Every member is optional: the in-process Machine satisfies this structurally, an RSP client
// target offers none, and `monitor help` lists only what the given control provides.

export interface MemoryRegion {
  /** Physical base address. */
  base: bigint;
  size: bigint;
  kind: 'ram' | 'rom' | 'io';
  name: string;
}

export interface MachineControl {
  /** Product and version string shown by `monitor info`. */
  readonly version?: string;
  /** Resets harts and devices to their power-on state, as a write of the reboot code to the
   *  sifive_test device does; the machine keeps its run state (a paused machine stays paused). */
  reboot?(): Promise<void>;
  /** Powers the machine off (as the sifive_test poweroff code); the Target then reports 'exited'. */
  halt?(code?: number): Promise<void>;
  /** Virtual time: the CLINT's mtime and its frequency (10 MHz on the virt board). */
  virtualTime?(): Promise<{ mtime: bigint; frequencyHz: number }>;
  /** The board's memory map (boot ROM, MMIO, RAM) for qXfer:memory-map:read and `monitor info`. */
  memoryRegions?(): readonly MemoryRegion[];
}
