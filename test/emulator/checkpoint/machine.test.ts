// Checkpoints of a whole Machine in one process: every part round-trips (a machine loaded from
// a checkpoint saves the same bytes again and then runs exactly as the original), and foreign,
// damaged or inconsistent checkpoints are refused with a message, leaving the machine as it was.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CowBlockBackend, MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { CheckpointError } from '../../../emulator/checkpoint/errors';
import { readSections, writeSections } from '../../../emulator/checkpoint/format';
import { decodeState, encodeState, type StateValue } from '../../../emulator/checkpoint/state';
import { Machine, type MachineOptions } from '../../../emulator/machine';
import { buildGuest } from '../../support/toolchain';

const busy = (variant = false) => buildGuest([join(__dirname, 'guests', 'busy.S')], { name: variant ? 'ckpt-busy-variant' : 'ckpt-busy', flags: variant ? ['-DVARIANT'] : [] });

const DISK_BYTES = 64 * 512;
const PLIC = 0x0c00_0000, RTC = 0x0010_1000, VIRTIO0 = 0x1000_1000, CLINT = 0x0200_0000;

/** A machine running busy.S with a copy-on-write drive; `out` collects the console. */
function machine(kernelPath: string, extra: Partial<MachineOptions> = {}) {
  const out = { text: '' };
  const disk = new CowBlockBackend(new MemoryBlockBackend(new Uint8Array(DISK_BYTES).fill(0xee), true));
  const m = new Machine({
    kernel: new Uint8Array(readFileSync(kernelPath)), kernelName: kernelPath, smp: 2, memoryBytes: 16 << 20,
    drives: [disk], serial: { output: (b) => { out.text += String.fromCharCode(b); } }, ...extra,
  });
  return { m, out, disk };
}

const bytesOf = (s: string) => new TextEncoder().encode(s);
const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function refused(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected a CheckpointError, got ${e instanceof Error ? e.stack : String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/** The checkpoint with one section's value changed (checksums recomputed: only the content is wrong). */
function editSection(bytes: Uint8Array, name: string, edit: (v: { [k: string]: StateValue }) => void): Uint8Array {
  const sections = readSections(bytes).map((s) => {
    if (s.name !== name) return s;
    const v = decodeState(s.payload, name) as { [k: string]: StateValue };
    edit(v);
    return { name, payload: encodeState(v) };
  });
  return writeSections(sections);
}

/** Puts state into parts the guest leaves alone: PLIC, RTC alarm, a virtqueue, the overlay, a reservation, CSRs. */
function touchEverything(m: Machine, disk: CowBlockBackend): void {
  const b = m.bus;
  b.write(PLIC + 4 * 10, 4, 5);            // UART source priority
  b.write(PLIC + 0x2000 + 0x80, 4, 1 << 10); // enabled for hart 0's S context
  b.write(PLIC + 0x201000, 4, 2);          // its threshold
  b.write(RTC + 0x0c, 4, 0x1886_7269);     // alarm 100 s after the RTC's power-on time: high, then low arms it
  b.write(RTC + 0x08, 4, 0x3670_e800);
  b.write(RTC + 0x10, 4, 1);
  b.write(VIRTIO0 + 0x70, 4, 1 | 2);       // ACKNOWLEDGE | DRIVER
  b.write(VIRTIO0 + 0x30, 4, 0);
  b.write(VIRTIO0 + 0x38, 4, 64);          // QueueNum
  b.write(VIRTIO0 + 0x80, 4, 0x8010_0000); // QueueDescLow
  b.write(CLINT + 4, 4, 1);                // msip of hart 1
  disk.write(512 * 3, new Uint8Array(512).fill(0x42));
  b.reserve(1, 0x8000_2008);
  const h1 = m.harts[1];
  h1.csr.write(0x140, 0x1234, 0x5678);     // sscratch
  h1.x[2 * 9] = -7; h1.f.i32[2 * 3] = 99;
}

describe('machine checkpoints', function () {
  this.timeout(120_000);

  it('a loaded machine saves the same bytes and then runs exactly as the original', () => {
    const a = machine(busy());
    a.m.runFor(40_000);
    a.m.sendInput(bytesOf('hello, this is more than sixteen bytes of typing'));
    a.m.runFor(200);                         // some read; the receive buffer and the host queue hold the rest
    touchEverything(a.m, a.disk);
    const saved = a.m.saveCheckpoint();

    const b = machine(busy());
    b.m.loadCheckpoint(saved);
    assert.ok(equalBytes(b.m.saveCheckpoint(), saved), 'the loaded machine saves different bytes');
    assert.equal(b.m.retired(), a.m.retired());
    assert.equal(b.m.mtime(), a.m.mtime());
    const pending = b.m.inputPending();
    assert.ok(pending > 1 && pending < 48 && pending === a.m.inputPending(), `typed input pending after load: ${pending}`);

    // the parts read back through their registers as they were written
    assert.equal(b.m.bus.read(PLIC + 4 * 10, 4), 5);
    assert.equal(b.m.bus.read(RTC + 0x18, 4), 1, 'the RTC alarm is armed');
    b.m.bus.write(VIRTIO0 + 0x30, 4, 0);
    assert.equal(b.m.bus.read(VIRTIO0 + 0x38, 4), 64);
    assert.equal(b.m.bus.read(VIRTIO0 + 0x80, 4), 0x8010_0000);
    assert.equal(b.m.bus.read(CLINT + 4, 4), 1);
    const sector = new Uint8Array(512);
    b.disk.read(512 * 3, sector);
    assert.ok(sector.every((x) => x === 0x42), 'the overlay sector came back');
    b.disk.read(512 * 4, sector);
    assert.ok(sector.every((x) => x === 0xee), 'unwritten sectors read the base');
    assert.equal(b.disk.changedSectors, 1);
    assert.equal(b.m.bus.takeReservation(1, 0x8000_2008), true, 'hart 1 keeps its reservation');
    b.m.bus.reserve(1, 0x8000_2008);
    assert.equal(b.m.harts[1].csr.get(0x140), 0x5678 * 2 ** 32 + 0x1234);

    // the same input at the same instruction counts: the same output and the same machine
    a.out.text = ''; b.out.text = '';
    for (const m of [a.m, b.m]) { m.runFor(30_000); m.sendInput(bytesOf('xyz')); m.runFor(200_000); }
    assert.equal(b.out.text, a.out.text);
    assert.match(a.out.text, /t/, 'timer interrupts printed');
    assert.match(a.out.text, /yz\{/, 'the typed xyz echoed as yz{');
    assert.ok(equalBytes(b.m.saveCheckpoint(), a.m.saveCheckpoint()), 'the machines differ after running on');
  });

  it('the translator (jit) continues from a checkpoint as the interpreter does', () => {
    const a = machine(busy());
    a.m.runFor(25_000);
    const saved = a.m.saveCheckpoint();
    const j = machine(busy(), { jit: true });
    j.m.runFor(10_000);                       // compiled blocks exist; the load must drop them
    j.m.loadCheckpoint(saved);
    for (const m of [a.m, j.m]) { m.sendInput(bytesOf('q')); m.runFor(150_000); }
    assert.equal(j.out.text.slice(-20), a.out.text.slice(-20));
    assert.ok(equalBytes(j.m.saveCheckpoint(), a.m.saveCheckpoint()));
  });

  it('refuses a checkpoint of another kernel, naming both', () => {
    const a = machine(busy());
    a.m.runFor(1000);
    const other = machine(busy(true));
    refused(() => other.m.loadCheckpoint(a.m.saveCheckpoint()), /belongs to kernel '.*ckpt-busy-[0-9a-f]+\.elf' \([0-9a-f:]+\), not to '.*ckpt-busy-variant-[0-9a-f]+\.elf' \([0-9a-f:]+\)/);
  });

  it('refuses a checkpoint of another RAM size, hart count or set of drives', () => {
    const saved = machine(busy()).m.saveCheckpoint();
    refused(() => machine(busy(), { smp: 1 }).m.loadCheckpoint(saved), /it has 2 harts, this machine 1 \(give --smp 2\)/);
    refused(() => machine(busy(), { memoryBytes: 32 << 20 }).m.loadCheckpoint(saved), /16 MiB of RAM, this machine 32 MiB/);
    refused(() => machine(busy(), { drives: [] }).m.loadCheckpoint(saved), /its drives are \[32768\] bytes, this machine's \[\]/);
    const plain = machine(busy(), { drives: [new MemoryBlockBackend(new Uint8Array(DISK_BYTES), true)] });
    refused(() => plain.m.loadCheckpoint(saved), /disk0: the checkpoint holds written sectors, but this machine's drive 0 cannot take them/);
  });

  it('a damaged checkpoint is refused and the machine stays as it was', () => {
    const a = machine(busy());
    a.m.runFor(20_000);
    const saved = a.m.saveCheckpoint();
    const b = machine(busy());
    b.m.runFor(5_000);
    const before = b.m.saveCheckpoint();
    const flipped = saved.slice();
    flipped[flipped.length - 100] ^= 0x10;  // inside the last section, RAM
    refused(() => b.m.loadCheckpoint(flipped), /section 'ram' is corrupted \(checksum mismatch\)/);
    refused(() => b.m.loadCheckpoint(saved.subarray(0, saved.length - 5)), /section 'ram' is truncated/);
    // consistent checksums, inconsistent content: found only after harts and devices were put
    // back, so this also checks that they are put back as they were
    const badRam = editSection(saved, 'ram', (v) => { v.bytes = 4096; });
    refused(() => b.m.loadCheckpoint(badRam), /ram: 4096 bytes of RAM saved, this machine has 16777216/);
    const badHart = editSection(saved, 'hart1', (v) => { v.x = new Int32Array(3); });
    refused(() => b.m.loadCheckpoint(badHart), /hart1\.x: expected Int32Array of 64, found Int32Array of 3/);
    const badUart = editSection(saved, 'devices', (v) => { (v.uart0 as { [k: string]: StateValue }).fifo = new Uint32Array(40); });
    refused(() => b.m.loadCheckpoint(badUart), /devices\.uart0\.fifo: 40 entries, the FIFO holds 16/);
    const noDisk = editSection(saved, 'disk0', (v) => { v.sectors = Float64Array.of(1e9); v.data = new Uint8Array(512); });
    refused(() => b.m.loadCheckpoint(noDisk), /disk0\.sectors: 1000000000 is not a sector of the disk/);
    assert.ok(equalBytes(b.m.saveCheckpoint(), before), 'a refused load changed the machine');
  });

  it('refuses to save a drive written in place, or a running machine', async () => {
    const inPlace = machine(busy(), { drives: [new MemoryBlockBackend(new Uint8Array(DISK_BYTES))] });
    assert.throws(() => inPlace.m.saveCheckpoint(), /drive 0 keeps its writes outside the machine \(written in place, or in a copy-on-write file\)/);
    const readOnly = machine(busy(), { drives: [new MemoryBlockBackend(new Uint8Array(DISK_BYTES), true)] });
    const saved = readOnly.m.saveCheckpoint();
    machine(busy(), { drives: [new MemoryBlockBackend(new Uint8Array(DISK_BYTES), true)] }).m.loadCheckpoint(saved);
    const running = machine(busy());
    await running.m.resume();
    assert.throws(() => running.m.saveCheckpoint(), /pause the machine before a checkpoint save/);
    await running.m.pause();
    running.m.saveCheckpoint();
  });
});
