// Bad machine options give one clear error naming the problem, never a crash later.
import { strict as assert } from 'node:assert';
import { Machine, MachineError } from '../../../emulator/machine';
import { ElfError } from '../../../emulator/loader/elf';
import { readFileSync } from 'node:fs';
import { baremetalElf } from '../system/baremetal-program';

describe('emulator/machine: options', () => {
  it('refuses a hart count outside 1..8', () => {
    assert.throws(() => new Machine({ smp: 0 }), (e: unknown) => e instanceof MachineError && /smp 0/.test(e.message));
    assert.throws(() => new Machine({ smp: 9 }), MachineError);
    assert.throws(() => new Machine({ smp: 1.5 }), MachineError);
  });

  it('refuses a memory size that is not whole pages from 1 MiB to 2 GiB', () => {
    assert.throws(() => new Machine({ memoryBytes: 1000 }), (e: unknown) => e instanceof MachineError && /memory size 1000/.test(e.message));
    assert.throws(() => new Machine({ memoryBytes: (1 << 20) + 1 }), MachineError);
    assert.throws(() => new Machine({ memoryBytes: 4 * 1024 * 1024 * 1024 }), MachineError);
  });

  it('names the kernel file when its bytes are not a kernel', () => {
    assert.throws(() => new Machine({ kernel: new Uint8Array([1, 2, 3, 4, 5]), kernelName: 'junk.bin' }),
      (e: unknown) => e instanceof ElfError && e.message.startsWith('junk.bin:'));
  });

  it('refuses firmware larger than RAM', () => {
    assert.throws(() => new Machine({ memoryBytes: 1 << 20, firmware: new Uint8Array(2 << 20) }), (e: unknown) => e instanceof MachineError && /firmware/.test(e.message));
  });

  it('puts an initrd where QEMU does, names it in /chosen, and loads it again at reset', async () => {
    const initrd = new Uint8Array(5000).map((_, i) => i & 0xff);
    const m = new Machine({ kernel: new Uint8Array(readFileSync(baremetalElf())), memoryBytes: 64 << 20, initrd, initrdName: 'r.img' });
    assert.equal(m.image!.lowAddress, 0x8000_0000);
    assert.deepEqual(m.initrdAt, { start: 0x8200_0000, end: 0x8200_0000 + 5000 }, 'half of RAM above the kernel');
    assert.deepEqual(await m.readMemory(0x8200_0000n, 5000, { kind: 'physical' }), initrd);
    await m.writeMemory(0x8200_0000n, new Uint8Array(16), { kind: 'physical' });
    m.reset();
    assert.deepEqual(await m.readMemory(0x8200_0000n, 5000, { kind: 'physical' }), initrd);
  });

  it('refuses an initrd without a kernel, or one that does not fit', () => {
    assert.throws(() => new Machine({ initrd: new Uint8Array(8), initrdName: 'r.img' }), (e: unknown) => e instanceof MachineError && /initrd 'r.img': an initrd needs a kernel/.test(e.message));
    const kernel = new Uint8Array(readFileSync(baremetalElf()));
    assert.throws(() => new Machine({ kernel, memoryBytes: 2 << 20, initrd: new Uint8Array(1 << 20), initrdName: 'r.img' }), (e: unknown) => e instanceof MachineError && /initrd 'r.img'/.test(e.message));
  });

  it('boots with no kernel at all: the harts start at the reset vector', async () => {
    const m = new Machine({ memoryBytes: 1 << 20 });
    assert.equal(await m.readRegister(0, 32), 0x1000n);
    assert.equal(m.features.harts, 1);
    assert.ok(m.features.csrs.includes(0x300) && m.features.csrs.includes(0x14d));
  });
});
