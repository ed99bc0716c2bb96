// kwb's flag parsing: QEMU-like spellings, sizes, and one clear error per bad flag.
import { strict as assert } from 'node:assert';
import { parseArgs, UsageError } from '../../cli/args';
import { Console } from '../../cli/console';

describe('cli: kwb arguments', () => {
  it('accepts QEMU-style and GNU-style spellings', () => {
    const a = parseArgs(['run', '-kernel', 'k.elf', '--mem=256M', '-smp', '3', '--drive', 'file=d.img,format=raw', '-S', '--append', 'console=ttyS0']);
    assert.equal(a.command, 'run');
    assert.equal(a.run.kernel, 'k.elf');
    assert.equal(a.run.memoryBytes, 256 << 20);
    assert.equal(a.run.smp, 3);
    assert.deepEqual(a.run.drives, ['d.img']);
    assert.equal(a.run.startPaused, true);
    assert.equal(a.run.append, 'console=ttyS0');
    assert.equal(a.run.bios, 'none');
    assert.equal(a.run.driveWrite, false);
  });
  it('takes an initrd in either spelling (none by default)', () => {
    assert.equal(parseArgs(['-kernel', 'k', '-initrd', 'rootfs.cpio']).run.initrd, 'rootfs.cpio');
    assert.equal(parseArgs(['--kernel', 'k', '--initrd=r.img']).run.initrd, 'r.img');
    assert.equal(parseArgs(['--kernel', 'k']).run.initrd, undefined);
  });
  it('takes --symbols, --program-root and repeated --module-dir (none by default); empty values are errors', () => {
    const a = parseArgs(['--kernel', 'Image', '--symbols', 'vmlinux', '--program-root=root', '--module-dir', 'm1', '--module-dir', 'm2']);
    assert.deepEqual([a.run.symbols, a.run.programRoot, a.run.moduleDirs], ['vmlinux', 'root', ['m1', 'm2']]);
    const d = parseArgs(['--kernel', 'k']);
    assert.deepEqual([d.run.symbols, d.run.programRoot, d.run.moduleDirs], [undefined, undefined, []]);
    assert.throws(() => parseArgs(['--kernel', 'k', '--symbols=']), (e: unknown) => e instanceof UsageError && e.message === '--symbols=: empty file name');
    assert.throws(() => parseArgs(['--kernel', 'k', '--program-root']), (e: unknown) => e instanceof UsageError && /missing value/.test(e.message));
  });
  it('defaults: 128 MiB, one hart, copy-on-write drives', () => {
    const a = parseArgs(['--kernel', 'k']);
    assert.equal(a.run.memoryBytes, 128 << 20);
    assert.equal(a.run.smp, 1);
    assert.equal(a.run.driveWrite, false);
  });
  it('normalises gdb listen addresses', () => {
    assert.equal(parseArgs(['--kernel', 'k', '--gdb', '1234']).run.gdb, 'tcp::1234');
    assert.equal(parseArgs(['--kernel', 'k', '--gdb', 'unix:/tmp/s']).run.gdb, 'unix:/tmp/s');
    assert.equal(parseArgs(['--kernel', 'k']).run.gdbLater, 'tcp::1234');
    assert.equal(parseArgs(['--kernel', 'k']).run.idle, 'sleep');
    assert.equal(parseArgs(['--kernel', 'k', '--idle', 'skip']).run.idle, 'skip');
    assert.equal(parseArgs(['--kernel', 'k']).run.jit, undefined, 'no flag: the machine\'s default (translated unless KWB_JIT=0)');
    assert.equal(parseArgs(['--kernel', 'k', '--no-jit']).run.jit, false);
    assert.equal(parseArgs(['--kernel', 'k', '--jit']).run.jit, true);
    assert.equal(parseArgs(['--kernel', 'k', '--gdb-later', '2345']).run.gdbLater, 'tcp::2345');
  });
  const bad: [string[], RegExp][] = [
    [['--kernel', 'k', '--frobnicate'], /unknown option '--frobnicate'/],
    [['--kernel', 'k', '--mem', 'lots'], /--mem: 'lots' is not a size/],
    [['--kernel', 'k', '--mem', '4M'], /out of range/],
    [['--kernel', 'k', '--smp', '0'], /--smp: 0 is out of range/],
    [['--kernel', 'k', '--smp', 'two'], /not a whole number/],
    [['--kernel'], /--kernel: missing value/],
    [['--kernel', 'k', '--initrd'], /--initrd: missing value/],
    [['run'], /no kernel given/],
    [['fly'], /unknown command 'fly'/],
    [['--kernel', 'k', '--gdb', 'http://x'], /not a listen address/],
    [['--kernel', 'k', '--gdb-later', 'nowhere'], /--gdb-later: 'nowhere' is not a listen address/],
    [['--kernel', 'k', '--idle', 'fast'], /--idle: 'fast' is not sleep or skip/],
    [['--kernel', 'k', '-S=1'], /takes no value/],
  ];
  for (const [argv, re] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message));
    });
  }
});

describe('cli: console escape keys', () => {
  function harness() {
    const sent: number[] = []; let quits = 0; let stats = 0; const printed: string[] = [];
    const fakeOut = { write: (s: string) => { printed.push(s); return true; } } as unknown as NodeJS.WriteStream;
    const c = new Console({ input: (b) => sent.push(...b), quit: () => quits++, stats: () => stats++ }, process.stdin, fakeOut);
    return { c, sent, get quits() { return quits; }, get stats() { return stats; }, printed };
  }
  it('passes ordinary bytes through', () => {
    const h = harness(); h.c.feed(Buffer.from('ls\r'));
    assert.deepEqual(h.sent, [...Buffer.from('ls\r')]);
  });
  it('Ctrl-A X quits, even split across reads, and drops what follows', () => {
    const h = harness(); h.c.feed(Uint8Array.of(0x61, 0x01)); h.c.feed(Buffer.from('xzz'));
    assert.equal(h.quits, 1);
    assert.deepEqual(h.sent, [0x61]);
  });
  it('Ctrl-A A sends one Ctrl-A; Ctrl-A S asks for statistics; Ctrl-A H prints help', () => {
    const h = harness(); h.c.feed(Uint8Array.of(0x01, 0x61, 0x01, 0x73, 0x01, 0x68));
    assert.deepEqual(h.sent, [0x01]);
    assert.equal(h.stats, 1);
    assert.match(h.printed.join(''), /Ctrl-A X\s+quit/);
  });
});
