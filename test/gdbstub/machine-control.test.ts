// monitor reboot, halt and info on the real Machine through its MachineControl adapter, driven
// with packets over a session (no sockets): reboot puts every hart back at the reset vector,
// halt powers off through the sifive_test device (gdb then sees W00), info shows virtual time.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { Machine } from '../../emulator/machine';
import { REG_PC } from '../../emulator/target';
import { StubHost } from '../../gdbstub/host';
import { machineControl } from '../../gdbstub/machine-adapter';
import { asciiToHex, latin1 } from '../../gdbstub/rsp/encoding';
import { encodePacket, FrameDecoder } from '../../gdbstub/rsp/framing';
import { progElf } from './support/fixture';

function harness(machine: Machine) {
  const host = new StubHost(machine, machineControl(machine, 'KWB test'));
  const dec = new FrameDecoder({ runLength: true });
  const packets: string[] = [];
  const session = host.openSession({
    write: (b) => { for (const e of dec.feed(b)) if (e.kind === 'packet') packets.push(latin1.decode(e.payload)); },
    end: () => undefined,
  });
  return {
    async monitor(cmd: string): Promise<string> {
      packets.length = 0;
      session.receive(encodePacket(latin1.encode(`qRcmd,${asciiToHex(cmd)}`)));
      for (let i = 0; i < 2000 && packets[packets.length - 1] !== 'OK'; i++) await new Promise((r) => setTimeout(r, 1));
      return packets.slice(0, -1).map((p) => latin1.decode(Uint8Array.from(p.slice(1).match(/../g) ?? [], (x) => parseInt(x, 16)))).join('');
    },
    async ask(text: string): Promise<string> {
      packets.length = 0;
      session.receive(encodePacket(latin1.encode(text)));
      for (let i = 0; i < 2000 && packets.length === 0; i++) await new Promise((r) => setTimeout(r, 1));
      return packets[0];
    },
  };
}

describe('gdbstub monitor on the Machine (MachineControl)', function () {
  this.timeout(30000);

  it('info reports version, harts, the board memory map and virtual time', async () => {
    const m = new Machine({ kernel: new Uint8Array(readFileSync(progElf())), smp: 2 });
    m.runFor(50000);
    const h = harness(m);
    const info = await h.monitor('info');
    assert.match(info, /^version: KWB test$/m);
    assert.match(info, /^harts: 2$/m);
    assert.match(info, /0x1000\s+\S+ (bytes|KiB)\s+rom\s+boot ROM/);
    assert.match(info, /0x10000000\s+\S+ \S+\s+io /, 'the UART window');
    assert.match(info, /^instructions: \d+$/m);
    const mtime = Number(/virtual time: mtime (\d+)/.exec(info)![1]);
    const insns = Number(/^instructions: (\d+)$/m.exec(info)![1]);
    assert.ok(mtime > 0 && mtime <= insns, `mtime ${mtime} advances with retired instructions (${insns})`);
  });

  it('reboot puts every hart back at the reset vector; halt powers off and gdb sees W00', async () => {
    const m = new Machine({ kernel: new Uint8Array(readFileSync(progElf())), smp: 2 });
    m.runFor(20000);
    assert.notEqual(await m.readRegister(0, REG_PC), 0x1000n);
    const h = harness(m);
    assert.match(await h.monitor('help'), /reboot[\s\S]*halt|halt[\s\S]*reboot/);
    assert.match(await h.monitor('reboot'), /machine reset/);
    assert.equal(await m.readRegister(0, REG_PC), 0x1000n);
    assert.equal(await m.readRegister(1, REG_PC), 0x1000n);
    assert.equal(m.state(), 'paused');
    assert.match(await h.monitor('halt'), /machine halted/);
    assert.equal(m.state(), 'exited');
    assert.equal(await h.ask('?'), 'W00');
    assert.equal(await h.ask('c'), 'W00');
  });
});
