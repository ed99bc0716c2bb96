// The stub's packets, driven with bytes through a session over a scripted FakeTarget. Expected
// replies come from the gdb manual's packet descriptions and hand-computed values.
import { strict as assert } from 'node:assert';
import { REG_CSR0, REG_PC, REG_PRIV } from '../../emulator/target';
import { PACKETS, packetKey } from '../../gdbstub/packets/table';
import { asciiToHex, latin1, regToHex, toHex } from '../../gdbstub/rsp/encoding';
import { encodePacket } from '../../gdbstub/rsp/framing';
import { RAM_BASE, RAM_SIZE } from './support/fake-target';
import { StubHarness } from './support/stub-harness';

const hexOf = (s: string): string => asciiToHex(s);
const unhex = (h: string): string => latin1.decode(Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16)));

describe('gdbstub packets', () => {
  let h: StubHarness;
  beforeEach(() => { h = new StubHarness(); });

  describe('acks and qSupported', () => {
    it('acknowledges each packet with + until QStartNoAckMode, and asks for a resend with - on a bad checksum', async () => {
      h.raw('$g#00');
      await h.settle();
      assert.deepEqual(h.takeOther().map((e) => e.kind), ['nak']);
      await h.packet('QStartNoAckMode');
      assert.deepEqual(h.takeOther().map((e) => e.kind), ['ack']);
      await h.packet('qC');
      assert.deepEqual(h.takeOther(), [], 'no ack once no-ack mode is on');
    });

    it('resends its last reply when gdb answers -', async () => {
      assert.equal(await h.ask('qAttached'), '1');
      h.raw('-');
      assert.deepEqual(await h.settle(), ['1']);
    });

    it('advertises exactly what the packet table implements', async () => {
      const reply = await h.ask('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+');
      const items = reply.split(';');
      assert.equal(items[0], 'PacketSize=4000');
      for (const want of ['qXfer:features:read+', 'qXfer:threads:read+', 'QStartNoAckMode+', 'multiprocess+', 'vContSupported+', 'swbreak+', 'hwbreak+']) {
        assert.ok(items.includes(want), `${want} in ${reply}`);
      }
      // No memory map without a MachineControl that has one.
      assert.ok(!items.includes('qXfer:memory-map:read+'));
      // Every advertised qXfer object is in the table.
      for (const it of items.filter((i) => i.startsWith('qXfer'))) {
        assert.ok(PACKETS.some((p) => p.key === it.slice(0, -1)), it);
      }
    });

    it('advertises the memory map when the machine control provides regions', async () => {
      const hm = new StubHarness({}, { memoryRegions: () => [{ base: 0x1000n, size: 0x1000n, kind: 'rom', name: 'boot ROM' }, { base: 0x80000000n, size: 0x8000000n, kind: 'ram', name: 'RAM' }] });
      assert.ok((await hm.ask('qSupported')).split(';').includes('qXfer:memory-map:read+'));
      const xml = (await hm.ask('qXfer:memory-map:read::0,1000')).slice(1);
      assert.match(xml, /<memory type="ram" start="0x0" length="0x1000"\/>/);
      assert.match(xml, /<memory type="rom" start="0x1000" length="0x1000"\/>/);
      assert.match(xml, /<memory type="ram" start="0x80000000" length="0x8000000"\/>/);
    });

    it('answers unknown packets with the empty reply', async () => {
      for (const p of ['qTStatus', 'vMustReplyEmpty', 'qOffsets', 'bc', 'jabberwocky', 'QNonStop:1']) assert.equal(await h.ask(p), '', p);
    });

    it('keys q/Q/v packets by name and the rest by letter', () => {
      assert.equal(packetKey('qXfer:features:read:target.xml:0,fff'), 'qXfer:features:read');
      assert.equal(packetKey('vCont?'), 'vCont?');
      assert.equal(packetKey('vCont;c'), 'vCont');
      assert.equal(packetKey('qRcmd,6865'), 'qRcmd');
      assert.equal(packetKey('m80000000,4'), 'm');
    });
  });

  describe('registers', () => {
    it('g gives x0..x31 and pc as 33 little-endian 64-bit values', async () => {
      const g = await h.ask('g');
      assert.equal(g.length, 33 * 16);
      assert.equal(g.slice(0, 16), '0'.repeat(16));
      assert.equal(g.slice(16, 32), regToHex(0x11n, 8));
      assert.equal(g.slice(32 * 16), '0000008000000000'); // pc 0x80000000, little-endian
    });

    it('G writes them back; p and P read and write one register, including CSRs and priv', async () => {
      const values = Array.from({ length: 33 }, (_, i) => BigInt(i) * 0x0101010101n);
      assert.equal(await h.ask('G' + values.map((v) => regToHex(v, 8)).join('')), 'OK');
      assert.equal(await h.target.readRegister(0, 5), 5n * 0x0101010101n);
      assert.equal(await h.ask(`p${(5).toString(16)}`), regToHex(5n * 0x0101010101n, 8));
      assert.equal(await h.ask(`P${(REG_CSR0 + 0x300).toString(16)}=0018000000000000`), 'OK');
      assert.equal(await h.target.readRegister(0, REG_CSR0 + 0x300), 0x1800n);
      assert.equal(await h.ask(`p${REG_PRIV.toString(16)}`), regToHex(3n, 8));
    });

    it('follows Hg: registers of the selected hart', async () => {
      assert.equal(await h.ask('Hg2'), 'OK');
      assert.equal(await h.ask(`p${REG_PC.toString(16)}`), regToHex(0x80000100n, 8));
      assert.equal(await h.ask('Hg3'), 'E03');
    });

    it('refuses registers the description does not list, and malformed ones', async () => {
      assert.equal(await h.ask(`p${(REG_CSR0 + 0x7b0).toString(16)}`), 'E22'); // dcsr is not on this target
      assert.equal(await h.ask('pzz'), 'E22');
      assert.equal(await h.ask('P5=12x4'), 'E22');
      assert.equal(await h.ask('G123'), 'E22');
    });
  });

  describe('memory', () => {
    it('m reads hex bytes; M and X write hex and binary (with escapes)', async () => {
      const base = RAM_BASE + 0x100n;
      const expected = toHex(h.target.ram.subarray(0x100, 0x108));
      assert.equal(await h.ask(`m${base.toString(16)},8`), expected);
      assert.equal(await h.ask(`M${base.toString(16)},3:a1b2c3`), 'OK');
      assert.deepEqual([...h.target.ram.subarray(0x100, 0x103)], [0xa1, 0xb2, 0xc3]);
      // X with '#', '}' and '*' escaped: bytes 23 7d 2a 00.
      const x = `X${base.toString(16)},4:`;
      h.raw(encodePacket(Uint8Array.from([...latin1.encode(x), 0x7d, 0x03, 0x7d, 0x5d, 0x7d, 0x0a, 0x00])));
      assert.deepEqual(await h.settle(), ['OK']);
      assert.deepEqual([...h.target.ram.subarray(0x100, 0x104)], [0x23, 0x7d, 0x2a, 0x00]);
      assert.equal(await h.ask(`X${base.toString(16)},0:`), 'OK', 'the empty X probe');
    });

    it('answers E14 for unmapped memory, and returns the mapped part of a read that runs off the end', async () => {
      assert.equal(await h.ask('m0,8'), 'E14');
      assert.equal(await h.ask('M10,1:00'), 'E14');
      const end = RAM_BASE + BigInt(RAM_SIZE);
      const r = await h.ask(`m${(end - 8n).toString(16)},10`);
      assert.equal(r, toHex(h.target.ram.subarray(RAM_SIZE - 8)));
      assert.equal(await h.ask(`m${end.toString(16)},8`), 'E14');
    });

    it('reads physical memory after QEMU\'s Qqemu.PhyMemMode:1, and virtual again after :0', async () => {
      assert.equal(await h.ask('qqemu.Supported'), 'PhyMemMode');
      assert.equal(await h.ask('Qqemu.PhyMemMode:1'), 'OK');
      assert.equal(await h.ask('m1000,4'), toHex(h.target.rom.subarray(0, 4)));
      assert.equal(await h.ask('Qqemu.PhyMemMode:0'), 'OK');
      assert.equal(await h.ask('Qqemu.PhyMemMode:2'), 'E22');
    });

    it('caps huge reads to the packet size and rejects malformed ones', async () => {
      const r = await h.ask(`m${RAM_BASE.toString(16)},ffffff`);
      assert.ok(r.length > 0 && r.length <= 0x4000, `reply length ${r.length}`);
      for (const p of ['m', 'm80000000', 'mxyz,4', 'm80000000,', 'm80000000,0', 'm12345678901234567,1', 'M80000000,2:0', 'M80000000,1:zz', 'X80000000,5:ab']) {
        assert.equal(await h.ask(p), 'E22', p);
      }
    });
  });

  describe('breakpoints and watchpoints', () => {
    it('Z0/Z1 go to the target as software/hardware breakpoints, z removes them', async () => {
      assert.equal(await h.ask('Z0,80000010,4'), 'OK');
      assert.equal(await h.ask('Z1,80000020,2'), 'OK');
      assert.equal(h.target.breakpoints.get(0x80000010n), 'sw');
      assert.equal(h.target.breakpoints.get(0x80000020n), 'hw');
      assert.equal(await h.ask('z0,80000010,4'), 'OK');
      assert.ok(!h.target.breakpoints.has(0x80000010n));
    });

    it('Z2/Z3/Z4 become write/read/access watchpoints with the kind as length', async () => {
      assert.equal(await h.ask('Z2,80000100,8'), 'OK');
      assert.equal(await h.ask('Z3,80000200,4'), 'OK');
      assert.equal(await h.ask('Z4,80000300,1'), 'OK');
      assert.deepEqual([...h.target.watchpoints.values()].map((w) => `${w.kind} ${w.address.toString(16)} ${w.length}`),
        ['write 80000100 8', 'read 80000200 4', 'access 80000300 1']);
      for (const p of ['Z5,0,4', 'Z0,xyz,4', 'Z2,80000000,0', 'Z0,80000000', 'Z02,1,1']) assert.equal(await h.ask(p), 'E22', p);
    });

    it('removes what a lost connection left inserted', async () => {
      await h.ask('Z0,80000010,4');
      await h.ask('Z2,80000100,8');
      h.session.closed();
      await h.session.finished;
      assert.equal(h.target.breakpoints.size, 0);
      assert.equal(h.target.watchpoints.size, 0);
    });
  });

  describe('execution and stop replies', () => {
    beforeEach(async () => { await h.ask('qSupported:multiprocess+;swbreak+;hwbreak+'); });

    it('? reports the stop with the thread in multiprocess syntax', async () => {
      assert.equal(await h.ask('?'), 'T05thread:p1.1;');
    });

    it('continue runs to a breakpoint: T05 swbreak with the thread and the pc expedited', async () => {
      await h.ask('Z0,80000040,4');
      h.raw(encodePacket(latin1.encode('vCont;c')));
      assert.equal(await h.waitPacket(), `T05swbreak:;thread:p1.1;20:${regToHex(0x80000040n, 8)};`);
    });

    it('reports a hardware breakpoint as hwbreak', async () => {
      await h.ask('Z1,80000040,4');
      h.raw(encodePacket(latin1.encode('c')));
      assert.match(await h.waitPacket(), /^T05hwbreak:;thread:p1\.1;/);
    });

    it('steps one hart with vCont;s:thread and the legacy s', async () => {
      assert.equal(await h.ask('vCont;s:p1.2;c'), `T05thread:p1.2;20:${regToHex(0x80000104n, 8)};`);
      assert.equal(h.target.pc(0), 0x80000000n, 'hart 0 stayed put');
      assert.equal(await h.ask('Hc1'), 'OK');
      assert.match(await h.ask('s'), /^T05thread:p1\.1;20:0400008000000000;$/);
      assert.equal(await h.ask('vCont;s:p1.9'), 'E03');
    });

    it('lists vCont actions including c and C (gdb needs both)', async () => {
      assert.equal(await h.ask('vCont?'), 'vCont;c;C;s;S;t');
      assert.equal(await h.ask('vCont;x'), 'E22');
    });

    it('interrupts a running continue on 0x03 with T02', async () => {
      h.target.runLimit = 1e9;
      h.raw(encodePacket(latin1.encode('vCont;c')));
      await h.settle();
      assert.equal(h.target.state(), 'running');
      h.raw(Uint8Array.of(0x03));
      assert.match(await h.waitPacket(), /^T02thread:p1\.1;/);
      assert.equal(h.target.state(), 'paused');
    });

    it('reports watchpoints with their data address', async () => {
      h.target.runLimit = 1e9;
      h.raw(encodePacket(latin1.encode('c')));
      await h.settle();
      h.target.emit({ reason: { kind: 'watchpoint', hart: 1, pc: 0x80000222n, watch: 'write', address: 0x80001000n }, instret: 5n });
      assert.equal(await h.waitPacket(), `T05watch:80001000;thread:p1.2;20:${regToHex(0x80000222n, 8)};`);
      await h.target.pause();
    });

    it('explains a fault loop on the console, then stops with SIGSEGV', async () => {
      h.target.runLimit = 1e9;
      h.raw(encodePacket(latin1.encode('c')));
      await h.settle();
      h.target.emit({ reason: { kind: 'fault-loop', hart: 0, pc: 0x80000010n, cause: 1n, tval: 0x10n }, instret: 9n });
      await h.target.pause();
      const replies = await h.settle();
      assert.equal(unhex(replies[0].slice(1)), 'hart 0 keeps trapping at pc 0x80000010: cause 1, tval 0x10\n');
      assert.equal(replies[1], `T0bthread:p1.1;20:${regToHex(0x80000010n, 8)};`);
    });

    it('reports a poweroff as W with the exit code and process', async () => {
      h.target.runLimit = 1e9;
      h.raw(encodePacket(latin1.encode('c')));
      await h.settle();
      h.target.powerOff(3);
      assert.equal(await h.waitPacket(), 'W03;process:1');
      assert.equal(await h.ask('?'), 'W03;process:1');
    });

    it('detach replies OK and then resumes the machine (default onDisconnect)', async () => {
      h.target.runLimit = 1e9;
      assert.equal(await h.ask('D;1'), 'OK');
      await h.settle();
      assert.equal(h.target.state(), 'running');
      await h.target.pause();
    });

    it('detach leaves the machine paused when configured so', async () => {
      const hp = new StubHarness({ onDisconnect: 'pause' });
      assert.equal(await hp.ask('D'), 'OK');
      assert.equal(hp.target.state(), 'paused');
    });

    it('kill sends no reply and ends the connection', async () => {
      assert.deepEqual(await h.packet('k'), []);
      assert.ok(h.ended);
    });
  });

  describe('threads', () => {
    it('lists harts as threads 1 and 2, plain and multiprocess', async () => {
      assert.equal(await h.ask('qfThreadInfo'), 'm1,2');
      assert.equal(await h.ask('qsThreadInfo'), 'l');
      await h.ask('qSupported:multiprocess+');
      assert.equal(await h.ask('qfThreadInfo'), 'mp1.1,p1.2');
      assert.equal(await h.ask('qC'), 'QCp1.1');
    });

    it('T says which threads are alive; qThreadExtraInfo describes the hart', async () => {
      assert.equal(await h.ask('T1'), 'OK');
      assert.equal(await h.ask('Tp1.2'), 'OK');
      assert.equal(await h.ask('T3'), 'E03');
      assert.equal(unhex(await h.ask('qThreadExtraInfo,2')), 'hart 1 M-mode');
      assert.equal(await h.ask('qAttached:1'), '1');
    });

    it('qXfer:threads:read lists every hart', async () => {
      const xml = (await h.ask('qXfer:threads:read::0,1000')).slice(1);
      assert.match(xml, /<thread id="1" core="0" name="hart0">hart 0 M-mode<\/thread>/);
      assert.match(xml, /<thread id="2" core="1" name="hart1">/);
    });
  });

  describe('target description', () => {
    it('reads target.xml in pieces that join up (m... then l...)', async () => {
      let doc = '';
      for (;;) {
        const r = await h.ask(`qXfer:features:read:target.xml:${doc.length.toString(16)},100`);
        assert.ok(r[0] === 'm' || r[0] === 'l', r.slice(0, 10));
        doc += r.slice(1);
        if (r[0] === 'l') break;
      }
      assert.match(doc, /<architecture>riscv:rv64<\/architecture>/);
      assert.match(doc, /<osabi>none<\/osabi>/);
      assert.match(doc, /<reg name="pc" bitsize="64" regnum="32" type="code_ptr"\/>/);
      assert.match(doc, /<reg name="mstatus" bitsize="64" regnum="833"/); // 65 + 0x300
      assert.match(doc, /<reg name="stimecmp|<reg name="satp" bitsize="64" regnum="449"/); // 65 + 0x180
      assert.match(doc, /<reg name="priv" bitsize="64" regnum="4161"/);
      assert.equal(await h.ask('qXfer:features:read:nosuch.xml:0,100'), 'E00');
    });
  });

  describe('monitor (qRcmd)', () => {
    it('prints help through O packets and ends with OK', async () => {
      const replies = await h.packet(`qRcmd,${hexOf('help')}`);
      assert.equal(replies[replies.length - 1], 'OK');
      const text = replies.slice(0, -1).map((r) => unhex(r.slice(1))).join('');
      for (const c of ['help', 'info', 'stop', 'go', 'pagetable VA [satp]', 'regs']) assert.match(text, new RegExp(`  ${c.replace(/[[\]]/g, '\\$&')}`));
      assert.doesNotMatch(text, /reboot|halt/, 'no MachineControl: reboot and halt are not offered');
    });

    it('sends non-ASCII output as its UTF-8 bytes, once encoded', async () => {
      const replies = await h.packet(`qRcmd,${hexOf('pagetable \u00e9')}`);
      assert.equal(Buffer.from(replies[0].slice(1), 'hex').toString('utf8'), 'pagetable: address "\u00e9" is not a number (decimal or 0x hex)\n');
    });

    it('says so for an unknown command', async () => {
      const replies = await h.packet(`qRcmd,${hexOf('frobnicate')}`);
      assert.match(unhex(replies[0].slice(1)), /unknown monitor command "frobnicate"/);
    });

    it('stop and go pause and resume the guest while gdb stays stopped', async () => {
      h.target.runLimit = 1e9;
      await h.packet(`qRcmd,${hexOf('go')}`);
      assert.equal(h.target.state(), 'running');
      await h.packet(`qRcmd,${hexOf('stop')}`);
      assert.equal(h.target.state(), 'paused');
    });
  });
});
