// The `virt` board as ONE table of devices (QEMU hw/riscv/virt.c's habit; style.md §6): each
// row gives the base, size and PLIC source of a device and how to build it, and every device
// writes its own device-tree node, so the FDT is generated from the same table as the bus map
// and cannot disagree with it. The Machine owns the harts and RAM; the board gives it the
// devices to map, the timed devices, the boot ROM and the FDT (for RAM at fdtAddress).
//
// Map (same as QEMU 7.2's virt):
//   0x0000_1000  boot ROM (board/boot-rom.ts)     0x0C00_0000  PLIC
//   0x0010_0000  sifive_test (poweroff/reboot)    0x1000_0000  NS16550A UART0, IRQ 10
//   0x0010_1000  goldfish RTC, IRQ 11             0x1000_1000 + 0x1000·n  virtio-mmio n, IRQ 1+n
//   0x0200_0000  CLINT                            0x8000_0000  RAM
//
// FDT node order: QEMU's, node for node (Linux registers devices in tree order, so with two
// drives /dev/vda and /dev/vdb name the same disks on both machines): /chosen, the syscon
// poweroff/reboot nodes, an empty platform-bus@4000000 (QEMU's dynamic sysbus, "qemu,platform"),
// memory, /cpus with the harts and a cpu-map, then /soc with rtc, serial, test, the virtio-mmio
// slots from the highest address down, plic, clint (each row's fdtRank below). QEMU has pmu,
// fw-cfg, flash and pci nodes too, for devices this board does not have.
//
// FDT placement (default fdtAddress): like QEMU (riscv_load_fdt), at the top of RAM but below
// 3 GiB, aligned down to 2 MiB: alignDown(min(ramEnd, 0xC000_0000) - fdtSize, 2 MiB). QEMU's
// blob is 1 MiB, ours a few KiB; both give 0x87E0_0000 for 128 MiB (checked with gdb against
// qemu-system-riscv64: a1 = 0x87e00000 at its reset vector). This leaves the 2 MiB above the
// FDT free for OpenSBI to grow the tree in place.
import type { BlockBackend, Clock, Device, DmaPort, HartInterruptLines, IrqLine, SerialHost, TimedDevice } from '../bus/device';
import { Clint, CLINT_SIZE } from '../devices/clint';
import { GoldfishRtc, GOLDFISH_RTC_SIZE } from '../devices/goldfish-rtc';
import { Plic, PLIC_SIZE } from '../devices/plic';
import { SifiveTest, SIFIVE_TEST_SIZE } from '../devices/sifive-test';
import { Uart16550, UART_SIZE } from '../devices/uart16550';
import { VirtioBlk } from '../devices/virtio-blk';
import { VirtioMmio, VIRTIO_MMIO_SIZE } from '../devices/virtio-mmio';
import { EmptyDrive } from '../devices/empty-drive';
import { buildBootRom } from './boot-rom';
import { FdtBuilder, cells64 } from './fdt';
import type { DescribedDevice, FdtContext, Placement } from './fdt-node';

export const RAM_BASE = 0x8000_0000;
export const TIMEBASE_HZ = 10_000_000;
export const VIRTIO_SLOTS = 8;
export const UART0_BASE = 0x1000_0000;
export const UART0_IRQ = 10;
export const RTC_IRQ = 11;
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_IRQ0 = 1;
export const MAX_HARTS = 8;
/** The cpu nodes' mmu-type: QEMU 7.2's string for its default rv64 hart (checked by test/emulator/board/fdt.test.ts). */
export const MMU_TYPE = 'riscv,sv48';
/** What each hart's riscv,isa says: the extensions the brief asks the harts to implement. */
export const RISCV_ISA = 'rv64imafdc_zicsr_zifencei_zicntr_sstc';
const FDT_ALIGN = 2 << 20;
const FDT_CEILING = 0xc000_0000;

export interface VirtBoardOptions {
  harts: number;
  memoryBytes: number;
  bootargs?: string;
  drives?: BlockBackend[];
  serial?: SerialHost;
  /** Where the boot ROM jumps: firmware or a -bios none kernel's entry. */
  resetAddress: number;
  /** Where the kernel starts (fw_dynamic's next address); the reset address when absent. */
  kernelAddress?: number;
  /** Default: QEMU's placement, see the file comment. */
  fdtAddress?: number;
  initrd?: { start: number; end: number };
  /** Goldfish RTC time at power-on, ns since 1970 (default: a fixed date, for determinism). */
  rtcEpochNs?: bigint;
}

export interface BoardEnv {
  lines: HartInterruptLines;
  clock: Clock;
  dma: DmaPort;
  poweroff(code: number): void;
  reboot(): void;
}

export interface VirtBoard {
  /** MMIO devices to map, each at its base (the bus passes offsets). */
  devices: { base: number; device: Device }[];
  timed: TimedDevice[];
  /** Mapped read-only at BOOT_ROM_BASE (0x1000). */
  bootRom: Uint8Array;
  /** To copy into RAM at fdtAddress before the harts start. */
  fdt: Uint8Array;
  fdtAddress: number;
  /** Host-to-guest serial input (typed bytes). */
  uartReceive(bytes: Uint8Array): void;
  /** A BREAK condition on the UART's receive line (then LSR.BI with a zero character). */
  uartBreak(): void;
  /** Typed bytes the guest has not read yet (the UART's FIFO and host queue). */
  uartInputPending(): number;
  /** Power-on state of every device (machine reset, reboot). */
  resetDevices(): void;
}

export class BoardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoardError';
  }
}

/** What a table row's constructor may use. */
interface BuildContext {
  opts: VirtBoardOptions;
  env: BoardEnv;
  irq: IrqLine;
  plic(): Plic;
}

interface BoardRow extends Placement {
  /** Position of the device's node under /soc: QEMU's order (see the file comment). */
  fdtRank: number;
  /** Builds the device, or null when the board has none there (an absent option). */
  create(c: BuildContext, at: Placement): DescribedDevice | null;
}

/** THE board: every MMIO device of `virt`, in address order. */
export const VIRT_TABLE: readonly BoardRow[] = [
  { base: 0x0010_0000, size: SIFIVE_TEST_SIZE, fdtRank: 3, create: (c) => new SifiveTest(c.env.poweroff, c.env.reboot) },
  { base: 0x0010_1000, size: GOLDFISH_RTC_SIZE, irq: RTC_IRQ, fdtRank: 1, create: (c, at) => new GoldfishRtc(c.env.clock, c.irq, at.irq!, c.opts.rtcEpochNs) },
  { base: 0x0200_0000, size: CLINT_SIZE, fdtRank: 5 + VIRTIO_SLOTS, create: (c) => new Clint(c.opts.harts, c.env.lines, c.env.clock) },
  { base: 0x0c00_0000, size: PLIC_SIZE, fdtRank: 4 + VIRTIO_SLOTS, create: (c) => c.plic() },
  { base: UART0_BASE, size: UART_SIZE, irq: UART0_IRQ, fdtRank: 2, create: (c, at) => new Uart16550(c.irq, at.irq!, c.opts.serial) },
  ...Array.from({ length: VIRTIO_SLOTS }, (_, n): BoardRow => ({
    base: VIRTIO_BASE + 0x1000 * n,
    size: VIRTIO_MMIO_SIZE,
    irq: VIRTIO_IRQ0 + n,
    fdtRank: 4 + (VIRTIO_SLOTS - 1 - n), // the highest slot first
    create: (c, at) => {
      const drive = c.opts.drives?.[n];
      // an EmptyDrive is a virtio-blk device without a disk (capacity 0, media change)
      const blk = drive ? new VirtioBlk(drive instanceof EmptyDrive ? null : drive, c.env.dma, `kwb-disk${n}`) : null;
      return new VirtioMmio(n, blk, c.irq, at.irq!, c.env.dma);
    },
  })),
];

/** QEMU's FDT placement rule (see the file comment). */
export function defaultFdtAddress(memoryBytes: number, fdtSize: number): number {
  const top = Math.min(RAM_BASE + memoryBytes, FDT_CEILING);
  const aligned = Math.floor((top - fdtSize) / FDT_ALIGN) * FDT_ALIGN;
  // In a RAM of a few MiB the 2 MiB-aligned spot would be the RAM base, where the kernel
  // goes; there (only there) we differ from QEMU and take the 8-aligned top instead.
  return aligned >= RAM_BASE + FDT_ALIGN ? aligned : Math.floor((top - fdtSize) / 8) * 8;
}

function checkOptions(o: VirtBoardOptions): void {
  if (!Number.isInteger(o.harts) || o.harts < 1 || o.harts > MAX_HARTS) throw new BoardError(`harts must be 1..${MAX_HARTS}, not ${o.harts}`);
  if (!Number.isInteger(o.memoryBytes) || o.memoryBytes < (1 << 20) || o.memoryBytes % 4096 !== 0 || o.memoryBytes > 0x4000_0000_0) {
    throw new BoardError(`memory must be a whole number of 4 KiB pages between 1 MiB and 16 GiB, not ${o.memoryBytes} bytes`);
  }
  if ((o.drives?.length ?? 0) > VIRTIO_SLOTS) throw new BoardError(`at most ${VIRTIO_SLOTS} drives fit the virtio-mmio slots (got ${o.drives!.length})`);
}

export function buildVirtBoard(opts: VirtBoardOptions, env: BoardEnv): VirtBoard {
  checkOptions(opts);
  let plic: Plic | undefined;
  const getPlic = (): Plic => (plic ??= new Plic(opts.harts, env.lines));
  const irq: IrqLine = { setIrq: (s, l) => getPlic().setIrq(s, l) };
  const ctx: BuildContext = { opts, env, irq, plic: getPlic };
  const placed: { at: Placement; device: DescribedDevice; fdtRank: number }[] = [];
  for (const row of VIRT_TABLE) {
    const at: Placement = { base: row.base, size: row.size, irq: row.irq };
    const device = row.create(ctx, at);
    if (device) placed.push({ at, device, fdtRank: row.fdtRank });
  }
  const uart = placed.find((p) => p.device instanceof Uart16550)!.device as Uart16550;

  const fdt = writeFdt(opts, placed);
  const fdtAddress = opts.fdtAddress ?? defaultFdtAddress(opts.memoryBytes, fdt.length);
  if (fdtAddress < RAM_BASE || fdtAddress + fdt.length > RAM_BASE + opts.memoryBytes || fdtAddress % 8 !== 0) {
    throw new BoardError(`FDT address 0x${fdtAddress.toString(16)} must be 8-byte aligned and leave its ${fdt.length} bytes inside RAM`);
  }
  return {
    devices: placed.map((p) => ({ base: p.at.base, device: p.device })),
    timed: placed.map((p) => p.device).filter((d): d is DescribedDevice & TimedDevice => 'nextDeadline' in d),
    bootRom: buildBootRom(opts.resetAddress, fdtAddress, opts.kernelAddress ?? opts.resetAddress),
    fdt,
    fdtAddress,
    uartReceive: (bytes) => uart.receive(bytes),
    uartBreak: () => uart.sendBreak(),
    uartInputPending: () => uart.bufferedInput,
    resetDevices: () => { for (const p of placed) p.device.reset?.(); },
  };
}

/** QEMU's platform bus for dynamic sysbus devices: a window at 0x400_0000, empty here. */
const PLATFORM_BUS_BASE = 0x0400_0000;
const PLATFORM_BUS_SIZE = 0x0200_0000;

/** The device tree of the board: fixed nodes here, one node per table device from the device. */
function writeFdt(opts: VirtBoardOptions, placed: { at: Placement; device: DescribedDevice; fdtRank: number }[]): Uint8Array {
  const fdt = new FdtBuilder();
  const cpuPhandles = Array.from({ length: opts.harts }, () => fdt.allocPhandle());
  const intcPhandles = Array.from({ length: opts.harts }, () => fdt.allocPhandle());
  const plicPhandle = fdt.allocPhandle();
  const testPhandle = fdt.allocPhandle();
  const ctx = (device: DescribedDevice): FdtContext => ({
    harts: opts.harts, plicPhandle, cpuIntcPhandles: intcPhandles,
    ownPhandle: device instanceof SifiveTest ? testPhandle : 0,
  });

  fdt.beginNode('');
  fdt.u32('#address-cells', 2);
  fdt.u32('#size-cells', 2);
  fdt.str('compatible', 'riscv-virtio');
  fdt.str('model', 'riscv-virtio,kernel-workbench');

  fdt.beginNode('chosen');
  if (opts.bootargs !== undefined) fdt.str('bootargs', opts.bootargs);
  fdt.str('stdout-path', `/soc/serial@${UART0_BASE.toString(16)}`);
  if (opts.initrd) {
    // One cell each, as QEMU 7.2 writes them, while the end fits (two beyond 4 GiB).
    const cells = (v: number) => (opts.initrd!.end < 2 ** 32 ? [v] : cells64(v));
    fdt.u32('linux,initrd-start', ...cells(opts.initrd.start));
    fdt.u32('linux,initrd-end', ...cells(opts.initrd.end));
  }
  fdt.endNode();

  const test = placed.find((p) => p.device instanceof SifiveTest);
  if (test) (test.device as SifiveTest).writeSysconNodes(fdt, testPhandle);

  fdt.beginNode(`platform-bus@${PLATFORM_BUS_BASE.toString(16)}`);
  fdt.u32('interrupt-parent', plicPhandle);
  fdt.u32('ranges', 0, 0, PLATFORM_BUS_BASE, PLATFORM_BUS_SIZE);
  fdt.u32('#address-cells', 1);
  fdt.u32('#size-cells', 1);
  fdt.str('compatible', 'qemu,platform', 'simple-bus');
  fdt.endNode();

  fdt.beginNode(`memory@${RAM_BASE.toString(16)}`);
  fdt.str('device_type', 'memory');
  fdt.reg2({ base: RAM_BASE, size: opts.memoryBytes });
  fdt.endNode();

  fdt.beginNode('cpus');
  fdt.u32('#address-cells', 1);
  fdt.u32('#size-cells', 0);
  fdt.u32('timebase-frequency', TIMEBASE_HZ);
  for (let h = 0; h < opts.harts; h++) {
    fdt.beginNode(`cpu@${h}`);
    fdt.u32('phandle', cpuPhandles[h]);
    fdt.str('device_type', 'cpu');
    fdt.u32('reg', h);
    fdt.str('status', 'okay');
    fdt.str('compatible', 'riscv');
    fdt.str('riscv,isa', RISCV_ISA);
    // What QEMU 7.2's virt says for its default hart, which (like ours) accepts Sv39, Sv48 and
    // Sv57 in satp: Linux reads it as the largest mode to use, so both machines choose alike.
    fdt.str('mmu-type', MMU_TYPE);
    fdt.beginNode('interrupt-controller');
    fdt.u32('#interrupt-cells', 1);
    fdt.empty('interrupt-controller');
    fdt.str('compatible', 'riscv,cpu-intc');
    fdt.u32('phandle', intcPhandles[h]);
    fdt.endNode();
    fdt.endNode();
  }
  // Topology as QEMU gives it: one cluster, one core per hart.
  fdt.beginNode('cpu-map');
  fdt.beginNode('cluster0');
  for (let h = 0; h < opts.harts; h++) {
    fdt.beginNode(`core${h}`);
    fdt.u32('cpu', cpuPhandles[h]);
    fdt.endNode();
  }
  fdt.endNode();
  fdt.endNode();
  fdt.endNode();

  fdt.beginNode('soc');
  fdt.u32('#address-cells', 2);
  fdt.u32('#size-cells', 2);
  fdt.str('compatible', 'simple-bus');
  fdt.empty('ranges');
  for (const p of [...placed].sort((a, b) => a.fdtRank - b.fdtRank)) p.device.writeFdt(fdt, p.at, ctx(p.device));
  fdt.endNode();

  fdt.endNode();
  return fdt.finish(0);
}
