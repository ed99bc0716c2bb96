// The stub's host-I/O and extended-mode packets over a scripted FakeTarget, without gdb: vFile
// serves only the files the stub named (here the kernel) read-only, in the gdb manual's reply
// formats; exec-file names the kernel; a sw and a hw breakpoint at one address share the
// machine's breakpoint; without kernel awareness nothing else changes (multiprocess still
// offered, no library list, vAttach unsupported, extended-mode kill still a kill).
import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import { asciiToHex, latin1 } from '../../gdbstub/rsp/encoding';
import { progElf } from './support/fixture';
import { StubHarness } from './support/stub-harness';

describe('gdbstub packets: host I/O, exec-file, extended mode', () => {
  const kernel = progElf();
  const bytes = new Uint8Array(readFileSync(kernel));

  it('vFile opens, reads, stats and closes the kernel it named, read-only', async () => {
    const h = new StubHarness({ kernelPath: kernel });
    assert.equal(await h.ask('vFile:setfs:0'), 'F0');
    assert.equal(await h.ask(`vFile:open:${asciiToHex(kernel)},0,0`), 'F3');
    const r = latin1.encode(await h.ask('vFile:pread:3,100,40'));
    assert.equal(latin1.decode(r.subarray(0, 5)), 'F100;');
    assert.deepEqual([...r.subarray(5)], [...bytes.subarray(0x40, 0x140)]);
    // struct stat as the gdb manual lays it out: big-endian, st_size at byte 28, st_mtime at 56
    const st = latin1.encode(await h.ask('vFile:fstat:3'));
    assert.equal(latin1.decode(st.subarray(0, 4)), 'F40;');
    const v = new DataView(st.buffer, st.byteOffset + 4, 64);
    assert.equal(v.getBigUint64(28), BigInt(bytes.length));
    assert.equal(v.getUint32(56), Math.floor(statSync(kernel).mtimeMs / 1000));
    assert.equal(await h.ask(`vFile:pread:3,10,${bytes.length.toString(16)}`), 'F0;', 'reading at the end gives nothing');
    assert.equal(await h.ask('vFile:close:3'), 'F0');
    assert.equal(await h.ask('vFile:close:3'), 'F-1,9', 'EBADF');
    assert.equal(await h.ask(`vFile:open:${asciiToHex('/etc/passwd')},0,0`), 'F-1,2', 'only named files: ENOENT');
    assert.equal(await h.ask(`vFile:open:${asciiToHex(kernel)},1,1a4`), 'F-1,d', 'writing: EACCES');
    assert.equal(await h.ask(`vFile:unlink:${asciiToHex(kernel)}`), '', 'not offered');
  });

  it('vFile pread returns the file\'s bytes (binary escaped)', async () => {
    const h = new StubHarness({ kernelPath: kernel });
    assert.equal(await h.ask(`vFile:open:${asciiToHex(kernel)},0,0`), 'F3');
    const out: number[] = [];
    for (let off = 0; off < 0x400;) {
      // the harness's decoder has undone the } escapes already
      const reply = latin1.encode(await h.ask(`vFile:pread:3,200,${off.toString(16)}`));
      const semi = reply.indexOf(0x3b);
      const n = parseInt(latin1.decode(reply.subarray(1, semi)), 16);
      assert.equal(reply.length - semi - 1, n);
      out.push(...reply.subarray(semi + 1));
      off += n;
    }
    assert.deepEqual(out, [...bytes.subarray(0, 0x400)]);
  });

  it('without a kernel path or awareness there is no host I/O, and no exec-file', async () => {
    const h = new StubHarness();
    assert.equal(await h.ask(`vFile:open:${asciiToHex(kernel)},0,0`), '');
    const sup = await h.ask('qSupported:multiprocess+');
    assert.ok(!sup.includes('exec-file') && !sup.includes('libraries'), sup);
    assert.ok(sup.includes('multiprocess+'), 'harts as threads keep multiprocess');
  });

  it('qXfer:exec-file:read names the kernel', async () => {
    const h = new StubHarness({ kernelPath: kernel });
    assert.ok((await h.ask('qSupported')).includes('qXfer:exec-file:read+'));
    assert.equal(await h.ask('qXfer:exec-file:read::0,fff'), `l${kernel}`);
    assert.equal(await h.ask('qXfer:exec-file:read:a410:0,fff'), `l${kernel}`);
  });

  it('! enables extended mode; vAttach without awareness is not supported; kill still powers off', async () => {
    let halted = false;
    const h = new StubHarness({}, { halt: async () => { halted = true; } });
    assert.equal(await h.ask('!'), 'OK');
    assert.equal(await h.ask('vAttach;3'), '');
    assert.equal(await h.ask('vKill;1'), 'OK');
    await h.settle();
    assert.ok(halted);
  });

  it('a software and a hardware breakpoint at one address share the machine\'s: removing one keeps the other', async () => {
    const h = new StubHarness();
    assert.equal(await h.ask('Z0,80000040,4'), 'OK');
    assert.equal(await h.ask('Z1,80000040,4'), 'OK');
    assert.equal(await h.ask('z0,80000040,4'), 'OK');
    assert.ok(h.target.breakpoints.has(0x80000040n), 'still there for the hw one');
    assert.equal(await h.ask('z1,80000040,4'), 'OK');
    assert.ok(!h.target.breakpoints.has(0x80000040n));
    assert.equal(await h.ask('z0,80000040,4'), 'OK', 'removing what is not there is fine');
  });
});
