// The same Target behaviours checked on three Targets: the in-process Machine, our RSP client
// driving QEMU's stub, and our RSP client driving our own stub serving a Machine (client and
// stub end to end). Addresses come from nm on the test program; values from its source.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../../emulator/machine';
import { REG_CSR0, REG_PC, TargetError, type StopEvent, type Target } from '../../emulator/target';
import { RemoteTarget } from '../../gdbstub/client/remote-target';
import { startGdbServer } from '../../gdbstub/server';
import { connectRemoteTarget } from './support/configs';
import { progElf } from './support/fixture';
import { startQemu } from './support/qemu';

function symbols(): Map<string, bigint> {
  const out = execFileSync('riscv64-unknown-elf-nm', [progElf()], { encoding: 'utf8' });
  const m = new Map<string, bigint>();
  for (const line of out.split('\n')) { const [addr, , name] = line.split(' '); if (name) m.set(name, BigInt('0x' + addr)); }
  return m;
}

const nextStop = (t: Target): Promise<StopEvent> => new Promise((resolve) => { const d = t.onStop((e) => { d.dispose(); resolve(e); }); });
const le64 = (b: Uint8Array, i: number): bigint => { let v = 0n; for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i * 8 + k]); return v; };

interface Subject { target: Target; close(): Promise<void> }

const subjects: [string, () => Promise<Subject>][] = [
  ['the Machine', async () => {
    const m = new Machine({ kernel: new Uint8Array(readFileSync(progElf())), smp: 2 });
    return { target: m, close: async () => { if (m.state() === 'running') await m.pause(); } };
  }],
  ['our client on QEMU', async () => {
    const q = await startQemu({ elf: progElf(), smp: 2 });
    const t = await connectRemoteTarget(q.port);
    return { target: t, close: async () => { await t.close(); await q.close(); } };
  }],
  ['our client on our stub on the Machine', async () => {
    const m = new Machine({ kernel: new Uint8Array(readFileSync(progElf())), smp: 2 });
    const server = await startGdbServer(m, { listen: 'tcp::0' });
    const t = await RemoteTarget.connect({ host: '127.0.0.1', port: server.listen.kind === 'tcp' ? server.listen.port : 0 });
    return { target: t, close: async () => { await t.close(); await server.close(); if (m.state() === 'running') await m.pause(); } };
  }],
];

for (const [name, make] of subjects) {
  describe(`Target contract: ${name}`, function () {
    this.timeout(60000);
    let s: Subject;
    let t: Target;
    const sym = symbols();
    before(async () => { s = await make(); t = s.target; });
    after(async () => { await s?.close(); });

    it('starts paused at the reset vector with every hart and the CSRs a kernel developer reads', async () => {
      assert.equal(t.state(), 'paused');
      assert.equal(t.features.harts, 2);
      for (const csr of [0x300, 0x341, 0x342, 0x305, 0x180]) assert.ok(t.features.csrs.includes(csr), `CSR 0x${csr.toString(16)}`);
      assert.equal(await t.readRegister(0, REG_PC), 0x1000n);
    });

    it('stops at a breakpoint with the hart and pc', async () => {
      await t.addBreakpoint(sym.get('accumulate')!, 'sw');
      const stop = nextStop(t);
      await t.resume();
      const ev = await stop;
      await t.removeBreakpoint(sym.get('accumulate')!, 'sw');
      assert.deepEqual(ev.reason, { kind: 'breakpoint', hart: 0, pc: sym.get('accumulate')! });
      assert.equal(await t.readRegister(0, REG_PC), sym.get('accumulate'));
      assert.equal(await t.readRegister(0, REG_CSR0 + 0x305), sym.get('trap_entry'), 'main set mtvec');
    });

    it('steps one instruction (2 or 4 bytes on)', async () => {
      const pc = await t.readRegister(0, REG_PC);
      const ev = await t.step(0);
      assert.equal(ev.reason.kind, 'step');
      const next = await t.readRegister(0, REG_PC);
      assert.ok(next === pc + 2n || next === pc + 4n, `pc 0x${pc.toString(16)} -> 0x${next.toString(16)}`);
    });

    it('reads and writes registers', async () => {
      const old = await t.readRegister(0, 28);
      await t.writeRegister(0, 28, 0x1234_5678_9abc_def0n);
      assert.equal(await t.readRegister(0, 28), 0x1234_5678_9abc_def0n);
      await t.writeRegister(0, 28, old);
    });

    it('reads memory virtually and physically, writes it, and names unmapped addresses', async () => {
      const table = sym.get('table')!;
      const v = await t.readMemory(table, 128, { kind: 'virtual', hart: 0 });
      assert.deepEqual(Array.from({ length: 16 }, (_, i) => Number(le64(v, i))), [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597]);
      assert.deepEqual(await t.readMemory(table, 128, { kind: 'physical' }), v, 'bare mode: physical = virtual');
      await t.writeMemory(table, Uint8Array.of(0xaa, 0xbb), { kind: 'virtual', hart: 0 });
      assert.deepEqual([...await t.readMemory(table, 3, { kind: 'virtual', hart: 0 })], [0xaa, 0xbb, 0]);
      await t.writeMemory(table, v.subarray(0, 2), { kind: 'virtual', hart: 0 });
      // 0x0150_0000 lies between the test device and the CLINT on the virt board (nothing there).
      await assert.rejects(t.readMemory(0x0150_0000n, 8, { kind: 'virtual', hart: 0 }), (e: unknown) => e instanceof TargetError && e.code === 'unmapped');
    });

    it('stops at a write watchpoint with the data address', async () => {
      const watched = sym.get('watched')!;
      await t.addWatchpoint(watched, 8, 'write');
      const stop = nextStop(t);
      await t.resume();
      const ev = await stop;
      await t.removeWatchpoint(watched, 8, 'write');
      assert.equal(ev.reason.kind, 'watchpoint');
      if (ev.reason.kind === 'watchpoint') {
        assert.equal(ev.reason.address, watched);
        assert.equal(ev.reason.watch, 'write');
        assert.equal(ev.reason.hart, 0);
      }
    });

    it('pauses a running machine', async () => {
      await t.resume();
      assert.equal(t.state(), 'running');
      await new Promise((r) => setTimeout(r, 100));
      const ev = await t.pause();
      assert.equal(ev.reason.kind, 'pause');
      assert.equal(t.state(), 'paused');
    });
  });
}

describe('RemoteTarget on QEMU: closing with detach', function () {
  this.timeout(60000);
  it('lets the machine run on (QEMU wants D;pid once multiprocess is agreed), and sends nothing after the detach', async () => {
    const q = await startQemu({ elf: progElf(), smp: 1 });
    try {
      const t = await connectRemoteTarget(q.port);
      const before = await t.instructionCount();
      const closing = t.close(true);
      // a request issued while closing (a breakpoint removal on its way) must not reach QEMU, which stops a running machine at any byte
      await assert.rejects(t.addBreakpoint(0x80000000n), /closing/);
      await closing;
      await new Promise((r) => setTimeout(r, 500));
      const again = await connectRemoteTarget(q.port);
      const after = await again.instructionCount();
      await again.close();
      assert.ok(after > before + 10000n, `QEMU ran after the detach: minstret ${before} -> ${after}`);
    } finally {
      await q.close();
    }
  });
});
