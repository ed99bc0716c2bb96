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
  /** The guest's own magic SysRq: a BREAK on the serial line, then the key (as Linux's serial
   *  console, CONFIG_MAGIC_SYSRQ_SERIAL, and the teaching kernel read it). The guest answers on
   *  its serial console when it runs. */
  sysrq?(key: string): Promise<void>;
  /** Writes a line into the serial console's output (what the user watches), marked as the
   *  host's (`monitor log TEXT`, UML mconsole's log). */
  log?(text: string): void;
  /** Checkpoint files of this machine, by name, in one folder (`list`, `save`, `load`). */
  checkpoints?: CheckpointControl;
  /** Media change on virtio-blk slots declared empty at start (`config`, `remove`). */
  media?: MediaControl;
}

export interface MediaControl {
  /** Puts the disk SPEC (FILE, FILE,cow=COW) into the empty slot DEV; returns one line. */
  config(dev: string, spec: string): Promise<string>;
  /** Takes the disk out of DEV (refused while the guest uses it, unless forced); returns one line. */
  remove(dev: string, force: boolean): Promise<string>;
  /** Why media change is missing, when it is (one line). */
  readonly unavailable?: string;
}

export interface CheckpointControl {
  /** The folder that holds them (absolute). */
  readonly folder: string;
  /** Checkpoint names there, sorted. */
  list(): Promise<string[]>;
  /** Saves the machine as NAME (replacing an older one); returns what it did, one line. */
  save?(name: string): Promise<string>;
  /** Loads NAME into the machine; returns what it did, one line. */
  load?(name: string): Promise<string>;
  /** Why save/load are missing, when they are (one line). */
  readonly unavailable?: string;
}
