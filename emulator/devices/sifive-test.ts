// SiFive test finisher ("sifive,test0"), QEMU virt's poweroff/reboot device at 0x0010_0000.
// A 32-bit (or 16-bit) write to offset 0: low 16 bits 0x5555 = pass (power off, exit code 0), 0x3333 =
// fail with the exit code in the upper 16 bits, 0x7777 = reboot. Anything else is ignored.
// The board also lists syscon-poweroff/syscon-reboot nodes pointing here, as QEMU does, so
// Linux powers off and reboots through it.
import type { FdtBuilder } from '../board/fdt';
import { unitName, type DescribedDevice, type FdtContext, type Placement } from '../board/fdt-node';

export const SIFIVE_TEST_SIZE = 0x1000;
export const TEST_PASS = 0x5555;
export const TEST_FAIL = 0x3333;
export const TEST_RESET = 0x7777;

export class SifiveTest implements DescribedDevice {
  readonly name = 'sifive_test';
  readonly size = SIFIVE_TEST_SIZE;

  constructor(private readonly poweroff: (code: number) => void, private readonly reboot: () => void) {}

  read(): number {
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    // OpenSBI writes the finisher with a 16-bit store (writew); QEMU widens such a store to
    // the 32-bit register, the upper half (the code) then being 0. Byte stores are not valid.
    if (offset !== 0 || size === 1) return;
    const status = value & 0xffff;
    if (status === TEST_PASS) this.poweroff(0);
    else if (status === TEST_FAIL) this.poweroff(value >>> 16);
    else if (status === TEST_RESET) this.reboot();
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('test', at.base));
    fdt.u32('phandle', ctx.ownPhandle);
    fdt.reg2(at);
    fdt.str('compatible', 'sifive,test1', 'sifive,test0', 'syscon');
    fdt.endNode();
  }

  /** Top-level nodes that let Linux's syscon drivers use this device (written under /). */
  writeSysconNodes(fdt: FdtBuilder, phandle: number): void {
    for (const [node, compatible, value] of [['poweroff', 'syscon-poweroff', TEST_PASS], ['reboot', 'syscon-reboot', TEST_RESET]] as const) {
      fdt.beginNode(node);
      fdt.u32('value', value);
      fdt.u32('offset', 0);
      fdt.u32('regmap', phandle);
      fdt.str('compatible', compatible);
      fdt.endNode();
    }
  }
}
