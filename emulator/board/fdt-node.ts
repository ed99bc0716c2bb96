// The contract by which each board device writes its own device-tree node (style.md §6): the
// board table places a device (base, size, IRQ) and hands it the phandles it may refer to.
import type { Device } from '../bus/device';
import type { FdtBuilder } from './fdt';

/** Where the board put a device. */
export interface Placement {
  base: number;
  size: number;
  /** PLIC source number, for devices that interrupt. */
  irq?: number;
}

/** Phandles and facts of the board that device nodes refer to. */
export interface FdtContext {
  harts: number;
  /** phandle of the PLIC node (interrupt-parent of the devices). */
  plicPhandle: number;
  /** phandle of hart h's `riscv,cpu-intc` node. */
  cpuIntcPhandles: number[];
  /** phandle the device node itself should carry, when others refer to it (syscon). */
  ownPhandle: number;
}

/** A device that can describe itself under /soc. */
export interface DescribedDevice extends Device {
  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void;
}

/** Unit-address form used in node names: lower-case hex without leading zeros. */
export function unitName(name: string, base: number): string {
  return `${name}@${base.toString(16)}`;
}
