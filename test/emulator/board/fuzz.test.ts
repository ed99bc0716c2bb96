// Hostile guests: random MMIO reads and writes of every size over every device window of the
// board, with RAM full of random bytes behind the virtio queues, must never make a device
// throw (a guest can break its own devices, never the emulator). Fixed seed: same run each time.
import { strict as assert } from 'node:assert';
import { buildVirtBoard, VIRT_TABLE } from '../../../emulator/board/virt';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { FakeClock, FakeHartLines, FakeRam } from '../devices/fakes';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

describe('board: devices under random guest accesses', function () {
  this.timeout(60_000);

  it('survive 200000 random MMIO accesses and queue notifications without throwing', () => {
    const next = rng(0xdecafbad);
    const ram = new FakeRam(0x8000_0000, 1 << 16);
    for (let i = 0; i < ram.bytes.length; i++) ram.bytes[i] = next() & 0xff;
    const clock = new FakeClock(0);
    const events: string[] = [];
    const board = buildVirtBoard({
      harts: 2, memoryBytes: 128 << 20, resetAddress: 0x8000_0000,
      drives: [new MemoryBlockBackend(new Uint8Array(64 * 512)), new MemoryBlockBackend(new Uint8Array(8 * 512), true)],
      serial: { output: () => {} },
    }, {
      lines: new FakeHartLines(2), clock, dma: ram,
      poweroff: (c) => events.push(`off ${c}`), reboot: () => events.push('reboot'),
    });
    const sizes = [1, 2, 4] as const;
    // Addresses a guest driver would point the queues at: inside the fake RAM, usually.
    const ramAddr = () => (next() & 7) === 0 ? next() : 0x8000_0000 + (next() % (1 << 16));
    for (let k = 0; k < 200_000; k++) {
      const { base, device } = board.devices[next() % board.devices.length];
      const size = sizes[next() % 3];
      // Mostly the first registers, where the interesting ones are, sometimes anywhere.
      const span = (next() & 3) === 0 ? device.size : Math.min(device.size, 0x200);
      const offset = (next() % span) & ~(size - 1);
      if (next() & 1) {
        device.read(offset, size);
      } else {
        let value = next();
        if (base >= 0x1000_1000 && base < 0x1000_9000 && (offset === 0x80 || offset === 0x90 || offset === 0xa0)) value = ramAddr();
        if (base >= 0x1000_1000 && base < 0x1000_9000 && offset === 0x70 && (next() & 1)) value = 0x0f;
        device.write(offset, size, value);
      }
      if ((k & 1023) === 0) {
        clock.t += next() % 100_000;
        for (const t of board.timed) if (t.nextDeadline() <= clock.t) t.advance(clock.t);
        board.uartReceive(new Uint8Array([next() & 0xff]));
        for (let i = 0; i < 64; i++) ram.bytes[next() % ram.bytes.length] = next() & 0xff;
      }
    }
    assert.equal(VIRT_TABLE.length, board.devices.length);
    // Still working afterwards: a reset brings every transport and the UART back.
    board.resetDevices();
    const slot0 = board.devices.find((d) => d.base === 0x1000_1000)!.device;
    assert.deepEqual([slot0.read(0, 4), slot0.read(4, 4), slot0.read(8, 4), slot0.read(0x70, 4)], [0x74726976, 2, 2, 0]);
    const uart = board.devices.find((d) => d.base === 0x1000_0000)!.device;
    assert.equal(uart.read(2, 1), 0x01);
  });
});
