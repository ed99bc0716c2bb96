// The reset-vector ROM, disassembled by riscv64-unknown-elf-objdump (the oracle for our
// encodings), and the board's wiring of it: reset and FDT addresses in its data words.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_ROM_BASE, buildBootRom } from '../../../emulator/board/boot-rom';
import { buildVirtBoard, defaultFdtAddress } from '../../../emulator/board/virt';
import { CROSS } from '../../support/toolchain';

function disassemble(rom: Uint8Array, bytes: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-rom-'));
  try {
    const file = join(dir, 'rom.bin');
    writeFileSync(file, rom.subarray(0, bytes));
    const out = execFileSync(`${CROSS}objdump`, ['-D', '-b', 'binary', '-m', 'riscv:rv64', `--adjust-vma=0x${BOOT_ROM_BASE.toString(16)}`, '-M', 'no-aliases,numeric', file], { encoding: 'utf8' });
    return out.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t').slice(2).join(' ').replace(/\s*#.*$/, '').replace(/\s+/g, ' ').trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const env = {
  lines: { setPending() {} }, clock: { now: () => 0 }, dma: { dmaRead: () => false, dmaWrite: () => false }, poweroff() {}, reboot() {},
};

describe('board: boot ROM', () => {
  it('is auipc/addi a2/csrr mhartid/ld a1/ld t0/jr t0, as objdump decodes it', () => {
    assert.deepEqual(disassemble(buildBootRom(0x8020_0000, 0x87e0_0000), 24), [
      'auipc x5,0x0',
      'addi x12,x5,40',
      'csrrs x10,mhartid,x0',
      'ld x11,32(x5)',
      'ld x5,24(x5)',
      'jalr x0,0(x5)',
    ]);
  });

  it('holds the reset address at +0x18 and the FDT address at +0x20 (64-bit little-endian)', () => {
    const rom = buildBootRom(0x8020_0000, 0x1_87e0_0000);
    const v = new DataView(rom.buffer);
    assert.equal(v.getBigUint64(0x18, true), 0x8020_0000n);
    assert.equal(v.getBigUint64(0x20, true), 0x1_87e0_0000n);
  });

  it('is word for word what QEMU 7.2 maps at 0x1000 for a kernel at 0x80000000 and 128 MiB (x/12xg 0x1000 in gdb)', () => {
    const v = new DataView(buildBootRom(0x8000_0000, 0x87e0_0000).buffer);
    const qemu = [0x0282861300000297n, 0x0202b583f1402573n, 0x000280670182b283n, 0x0000000080000000n,
      0x0000000087e00000n, 0x000000004942534fn, 0x0000000000000002n, 0x0000000080000000n,
      0x0000000000000001n, 0n, 0n, 0n];
    assert.deepEqual(qemu.map((_, i) => v.getBigUint64(8 * i, true)), qemu);
  });

  it('the board places the FDT where QEMU does and points the ROM at it', () => {
    const b = buildVirtBoard({ harts: 1, memoryBytes: 128 << 20, resetAddress: 0x8000_0000 }, env);
    assert.equal(b.fdtAddress, 0x87e0_0000, 'QEMU 7.2 passes a1 = 0x87e00000 for 128 MiB (read with gdb)');
    const v = new DataView(b.bootRom.buffer);
    assert.equal(v.getBigUint64(0x18, true), 0x8000_0000n);
    assert.equal(v.getBigUint64(0x20, true), 0x87e0_0000n);
    // Hand-computed from the rule: below 3 GiB for large RAM, 2 MiB aligned, room for the blob.
    assert.equal(defaultFdtAddress(2 * 2 ** 30, 4096), 0xbfe0_0000);
    assert.equal(defaultFdtAddress(16 << 20, 3 << 20), 0x8000_0000 + (16 << 20) - (4 << 20));
    assert.equal(defaultFdtAddress(1 << 20, 4096), 0x8010_0000 - 4096, 'tiny RAM: 8-byte aligned at the top');
  });

  it('lists the CLINT and RTC as timed devices and feeds uartReceive to the UART', () => {
    const b = buildVirtBoard({ harts: 1, memoryBytes: 128 << 20, resetAddress: 0x8000_0000 }, env);
    assert.deepEqual(b.timed.map((t) => (t as unknown as { name: string }).name).sort(), ['clint', 'rtc']);
    const uart = b.devices.find((d) => d.base === 0x1000_0000)!.device;
    b.uartReceive(new Uint8Array([0x41]));
    assert.equal(uart.read(5, 1) & 1, 1);
    assert.equal(uart.read(0, 1), 0x41);
  });

  it('starts the RTC at the given wall time (rtcEpochNs), or at the fixed default', () => {
    const epoch = 1_795_611_820n * 1_000_000_000n;
    const read = (b: ReturnType<typeof buildVirtBoard>) => {
      const rtc = b.devices.find((d) => d.base === 0x0010_1000)!.device;
      const lo = rtc.read(0, 4);
      return (BigInt(rtc.read(4, 4)) << 32n) | BigInt(lo);
    };
    assert.equal(read(buildVirtBoard({ harts: 1, memoryBytes: 128 << 20, resetAddress: 0x8000_0000, rtcEpochNs: epoch }, env)), epoch);
    assert.equal(read(buildVirtBoard({ harts: 1, memoryBytes: 128 << 20, resetAddress: 0x8000_0000 }, env)), 1_767_225_600n * 1_000_000_000n);
  });
});
