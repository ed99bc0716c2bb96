// Robustness: thousands of random and mutated packets (fixed seed) thrown at a session, split
// at random offsets: bad checksums, oversized packets, malformed hex, huge lengths, unmapped
// addresses, stray control bytes. Afterwards the stub must still answer correctly, every reply
// must be a well-formed frame, and the target must be intact: no register or byte of memory
// changed, since no well-formed write or execution packet was among them.
import { strict as assert } from 'node:assert';
import { latin1, toHex } from '../../gdbstub/rsp/encoding';
import { encodePacket } from '../../gdbstub/rsp/framing';
import { RAM_BASE } from './support/fake-target';
import { StubHarness } from './support/stub-harness';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 0x100000000; };
}

// Reads and queries: well-formed ones must not change the target.
const SEEDS = [
  'g', 'm80000000,40', 'm0,8', 'mffffffffffffffff,10', 'm80000000,ffffffff', 'p20', 'p1041', 'p3a1', 'qSupported:multiprocess+;swbreak+',
  'qXfer:features:read:target.xml:0,400', 'qXfer:threads:read::0,100', 'qXfer:memory-map:read::0,100', 'qfThreadInfo', 'qsThreadInfo',
  'qC', 'qAttached', 'qThreadExtraInfo,1', 'Hg1', 'Hc-1', 'Hgp1.2', 'T1', 'vCont?', 'qRcmd,68656c70', 'qRcmd,696e666f', 'qRcmd,72656773',
  'qRcmd,706167657461626c6520307838303030303030303020307838303030303030303030303830303030', 'Z0,80000040,4', 'z0,80000040,4',
  'Z2,80000100,8', 'z2,80000100,8', '?',
];
// Packets that legitimately change the machine when well-formed: the fuzzer only ever sends
// broken versions of these (kept broken by construction), so the target must stay untouched.
const BROKEN_WRITES = [
  'M80000000,4:zzzzzzzz', 'M80000000,4:aabb', 'M80000000,ffffffffff:00', 'X80000000,10:ab', 'Mxyz,1:00', 'G12', 'G' + 'q'.repeat(16),
  'P20=zz', 'P=1234', 'Pffffffff=00', 'vCont;q', 'vCont;s:zz', 'cxyz', 'sq', 'C', 'Sxx', 'D;zz', 'vKill;', 'vKill;q',
  'M0,4:00000000', 'X0,1:a',
];
const EXECUTION_OR_WRITE = /^(M|X|G|P|c|C|s|S|D|k|vCont|vKill|qRcmd|QStartNoAckMode|Z|z)/;

function mutate(r: () => number, text: string): string {
  const chars = [...text];
  const ops = 1 + Math.floor(r() * 3);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(r() * (chars.length + 1));
    const c = String.fromCharCode(Math.floor(r() * 256));
    const k = r();
    if (k < 0.3) chars.splice(at, 0, c);
    else if (k < 0.6) chars.splice(at, 1);
    else if (k < 0.8) chars[at] = c;
    else chars.splice(at, 0, 'f'.repeat(Math.floor(r() * 40)));
  }
  return chars.join('');
}

describe('gdbstub fuzz', function () {
  this.timeout(100000);

  it('survives 6000 random and mutated packets split at random offsets, target intact', async () => {
    const r = rng(0x5eed);
    const h = new StubHarness({}, { memoryRegions: () => [{ base: RAM_BASE, size: 0x10000n, kind: 'ram', name: 'RAM' }] });
    const ram = h.target.ram.slice();
    const regs = new Map(h.target.regs);
    let sent = 0;
    let pending: Uint8Array[] = [];
    const flush = async (): Promise<void> => {
      const all = new Uint8Array(pending.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of pending) { all.set(p, o); o += p.length; }
      pending = [];
      // Deliver in random pieces (TCP may split anywhere).
      for (let i = 0; i < all.length;) {
        const n = 1 + Math.floor(r() * 64);
        h.raw(all.subarray(i, i + n));
        i += n;
      }
      await h.settle(5);
    };
    for (let i = 0; i < 6000; i++) {
      const k = r();
      let text: string;
      if (k < 0.35) text = SEEDS[Math.floor(r() * SEEDS.length)];
      else if (k < 0.55) text = BROKEN_WRITES[Math.floor(r() * BROKEN_WRITES.length)];
      else if (k < 0.85) text = mutate(r, SEEDS[Math.floor(r() * SEEDS.length)]);
      else text = Array.from({ length: Math.floor(r() * 80) }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
      // A mutation may turn a read into a well-formed write or resume: keep the target's state ours to check.
      if (k >= 0.55 && EXECUTION_OR_WRITE.test(text)) text = 'q' + text;
      let bytes = encodePacket(latin1.encode(text));
      const flaw = r();
      if (flaw < 0.1) bytes[bytes.length - 1] ^= 0x01; // bad checksum
      else if (flaw < 0.13) bytes = encodePacket(latin1.encode('m' + 'f'.repeat(0x5000))); // oversized
      else if (flaw < 0.16) bytes = Uint8Array.from([0x03, 0x2d, 0x2b, 0x00, 0x24, 0x23, ...bytes.subarray(0, Math.floor(r() * bytes.length))]);
      pending.push(bytes);
      sent++;
      if (pending.length >= 20) await flush();
    }
    await flush();
    // Close any packet a truncation left open, then check the stub still serves.
    h.raw('#00');
    await h.settle();
    h.takePackets();
    assert.equal(await h.ask('qAttached'), '1');
    assert.equal(await h.ask(`m${(RAM_BASE + 0x20n).toString(16)},10`), toHex(ram.subarray(0x20, 0x30)));
    assert.equal(await h.ask('m0,4'), 'E14');
    assert.match(await h.ask('?'), /^T05/);
    assert.equal(h.target.state(), 'paused');
    assert.deepEqual(h.target.ram, ram, 'memory unchanged');
    assert.deepEqual(new Map(h.target.regs), regs, 'registers unchanged');
    // Only the well-formed writes to unmapped address 0 (answered E14) may reach the target.
    assert.deepEqual(h.target.calls.filter((c) => /^(writeMemory|writeRegister|resume|step)/.test(c) && !c.startsWith('writeMemory 0x0 ')), [], 'no write or execution reached the target');
    assert.equal(sent, 6000);
  });

  it('answers every well-formed packet even when each byte arrives alone', async () => {
    const h = new StubHarness();
    const wire = SEEDS.filter((s) => !s.startsWith('qRcmd')).map((s) => encodePacket(latin1.encode(s)));
    for (const w of wire) for (const b of w) h.raw(Uint8Array.of(b));
    const replies = await h.settle(200);
    assert.equal(replies.length, wire.length);
  });

  it('a run-away hex length or address never throws past the session', async () => {
    const h = new StubHarness();
    for (const p of ['m' + 'f'.repeat(17) + ',1', 'm1,' + 'f'.repeat(9), 'qXfer:features:read:target.xml:ffffffffff,10',
      'qXfer:features:read:target.xml:100000,10', 'Z0,' + 'f'.repeat(20) + ',4', 'p' + 'f'.repeat(12), 'Hg' + 'f'.repeat(12)]) {
      const reply = await h.ask(p);
      assert.match(reply, /^E\d\d$/, `${p} -> ${reply}`);
    }
  });
});
