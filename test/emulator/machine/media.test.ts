// Media change on a whole Machine (emulator/machine/media.ts): which slots take part (those
// whose drive is an EmptyDrive), the opener, refusals with messages naming the device,
// and checkpoints refused while a disk put in at run time is in a slot. "In use" (a guest
// request) is in test/emulator/devices/virtio-media.test.ts.
import { strict as assert } from 'node:assert';
import { CowBlockBackend, MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { EmptyDrive } from '../../../emulator/devices/empty-drive';
import type { VirtioBlk } from '../../../emulator/devices/virtio-blk';
import { VirtioMmio } from '../../../emulator/devices/virtio-mmio';
import { Machine } from '../../../emulator/machine';
import type { MediumOpener } from '../../../emulator/machine/media';

function machineWith(opener?: MediumOpener): { m: Machine; closed: string[] } {
  const closed: string[] = [];
  const m = new Machine({
    memoryBytes: 4 << 20,
    drives: [new CowBlockBackend(new MemoryBlockBackend(new Uint8Array(4096))), new EmptyDrive()],
    openMedium: opener,
  });
  return { m, closed };
}

const slot = (m: Machine, n: number): VirtioBlk => {
  const t = m.board.devices.map((d) => d.device).find((d): d is VirtioMmio => d instanceof VirtioMmio && d.slot === n)!;
  return t.attached as VirtioBlk;
};

describe('machine: media change (config and remove)', () => {
  let closed: string[];
  const opener: MediumOpener = (spec) => {
    if (spec === 'missing.img') throw new Error(`drive '${spec}': no such file`);
    const sectors = spec === 'odd.img' ? 0 : Number(/(\d+)/.exec(spec)?.[1] ?? 8);
    return { backend: new MemoryBlockBackend(new Uint8Array(sectors * 512)), close: () => closed.push(spec) };
  };
  beforeEach(() => { closed = []; });

  it('puts a disk into the empty slot vdb and takes it out; the device follows', () => {
    const { m } = machineWith(opener);
    assert.deepEqual(m.media.list().map((s) => s.dev), ['vdb'], 'only the slot declared empty takes part');
    assert.equal(m.media.config('vdb', 'd32.img'), 'vdb: d32.img put in (32 sectors); the guest\'s driver has not started the device yet');
    assert.equal(slot(m, 1).capacitySectors, 32);
    assert.deepEqual(m.media.list(), [{ dev: 'vdb', spec: 'd32.img', sectors: 32, inUse: false }]);
    assert.equal(m.media.remove('vdb', false), 'vdb: d32.img taken out');
    assert.equal(slot(m, 1).capacitySectors, 0);
    assert.deepEqual(closed, ['d32.img'], 'the host file is closed on remove');
  });

  it('refuses with messages that name the device and the problem', () => {
    const { m } = machineWith(opener);
    assert.throws(() => m.media.config('vda', 'd8.img'), /^MediaError: vda is not a slot declared empty at start \(--drive empty\); media change works on vdb$/);
    assert.throws(() => m.media.config('sda', 'd8.img'), /'sda' is not a drive name/);
    assert.throws(() => m.media.config('vdb', 'missing.img'), /^MediaError: vdb: drive 'missing.img': no such file$/);
    assert.throws(() => m.media.config('vdb', 'odd.img'), /vdb: odd.img is 0 bytes/);
    assert.deepEqual(closed, ['odd.img'], 'a refused disk is closed again');
    assert.throws(() => m.media.remove('vdb', false), /^MediaError: vdb is empty$/);
    m.media.config('vdb', 'd8.img');
    assert.throws(() => m.media.config('vdb', 'd16.img'), /vdb already holds d8.img: `remove vdb` first/);
    assert.equal(slot(m, 1).capacitySectors, 8, 'a refused config changes nothing');
  });

  it('checkpoints are refused while a disk put in at run time is in a slot', () => {
    const { m } = machineWith(opener);
    const empty = m.saveCheckpoint();
    assert.ok(empty.length > 0, 'an empty slot is no obstacle');
    m.media.config('vdb', 'd8.img');
    assert.throws(() => m.saveCheckpoint(), /vdb holds a disk put in while running \(config\); .*`remove vdb` first/);
    assert.throws(() => m.loadCheckpoint(empty), /vdb holds a disk put in while running/);
    m.media.remove('vdb', false);
    m.loadCheckpoint(empty);
  });

  it('without an opener media change says why not', () => {
    const { m } = machineWith(undefined);
    assert.match(m.media.unavailable ?? '', /no host to open disk files/);
    assert.throws(() => m.media.config('vdb', 'd8.img'), /media change is not available on this machine/);
  });

  it('closeAll closes the disks still in their slots', () => {
    const { m } = machineWith(opener);
    m.media.config('vdb', 'd8.img');
    m.media.closeAll();
    assert.deepEqual(closed, ['d8.img']);
  });
});
