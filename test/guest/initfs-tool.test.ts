// The host tools of the guest build: the initramfs archive format (written by mkinitfs.ts, read
// by the kernel's initfs.c) and the symbol-table generator mksyms.ts. The built archive is
// checked against the files it was made from, and the symbol table against nm's view.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGuestKernel, GUEST_DIR } from './support/build';
import { ENTRY_SIZE, FileKind, fnv1a, HEADER_SIZE, InitfsError, readArchive, writeArchive } from '../../guest/tools/initfs-format';
import { emitAssembly, parseNm } from '../../guest/tools/mksyms';

describe('guest tools: initramfs archive format', function () {
  this.timeout(120_000);
  it('FNV-1a matches the published test vectors', () => {
    // from the FNV reference (draft-eastlake-fnv): "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968
    assert.equal(fnv1a(new Uint8Array()), 0x811c9dc5);
    assert.equal(fnv1a(Buffer.from('a')), 0xe40c292c);
    assert.equal(fnv1a(Buffer.from('foobar')), 0xbf9cf968);
  });

  it('lays out header, directory and 8-aligned data as documented, and reads it back', () => {
    const files = [
      { name: 'one', kind: FileKind.Text, data: Buffer.from('abc') },
      { name: 'two.ko', kind: FileKind.Module, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) },
    ];
    const img = writeArchive(files);
    assert.equal(img.subarray(0, 8).toString('latin1'), 'KWBFS\0v1');
    assert.equal(img.readUInt32LE(8), 2);
    assert.equal(img.readUInt32LE(12), img.length);
    const firstData = HEADER_SIZE + 2 * ENTRY_SIZE;               // 112, already a multiple of 8
    assert.equal(img.readUInt32LE(HEADER_SIZE + 40), firstData);
    assert.equal(img.readUInt32LE(HEADER_SIZE + ENTRY_SIZE + 40), firstData + 8);   // 3 bytes, padded to 8
    assert.deepEqual(readArchive(img), files);
  });

  it('refuses bad names and duplicates, and detects corruption', () => {
    assert.throws(() => writeArchive([{ name: 'x'.repeat(32), kind: FileKind.Text, data: Buffer.alloc(0) }]), InitfsError);
    assert.throws(() => writeArchive([{ name: 'has space', kind: FileKind.Text, data: Buffer.alloc(0) }]), /printable/);
    const dup = { name: 'a', kind: FileKind.Text, data: Buffer.alloc(1) };
    assert.throws(() => writeArchive([dup, dup]), /appears twice/);
    const img = writeArchive([{ name: 'f', kind: FileKind.Text, data: Buffer.from('hello') }]);
    img[img.length - 8] ^= 1;                                        // flip a bit of the data
    assert.throws(() => readArchive(img), /check value mismatch/);
    assert.throws(() => readArchive(Buffer.from('not an archive at all')), /bad magic/);
  });

  it('the built initramfs holds the built programs and modules, without debug info', () => {
    const build = buildGuestKernel();
    const files = readArchive(readFileSync(build.initfs));
    const byName = new Map(files.map((f) => [f.name, f]));
    const tmp = mkdtempSync(join(tmpdir(), 'kwb-initfs-'));
    // the same code and symbols as the files the debugger reads (objcopy/nm as the oracle)
    const sameCode = (built: string, name: string) => {
      const packed = join(tmp, name);
      writeFileSync(packed, byName.get(name)!.data);
      const text = (f: string) => {
        const out = join(tmp, 'text.bin');
        execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', '--only-section=.text', f, out]);
        return readFileSync(out);
      };
      assert.ok(text(packed).equals(text(built)), `${name}: same .text`);
      const syms = (f: string) => execFileSync('riscv64-unknown-elf-nm', [f], { encoding: 'utf8' });
      assert.equal(syms(packed), syms(built), `${name}: same symbols`);
      assert.doesNotMatch(execFileSync('riscv64-unknown-elf-readelf', ['-S', packed], { encoding: 'utf8' }), /\.debug_info/);
    };
    for (const p of ['init', 'sh', 'hello', 'ls', 'cat', 'ps', 'spin', 'forktest', 'deadlock', 'crash', 'disk']) {
      assert.equal(byName.get(p)?.kind, FileKind.Program, p);
      sameCode(join(build.userDir, p), p);
    }
    for (const m of ['hello.ko', 'fortune.ko', 'buggy.ko', 'relocs.ko']) {
      assert.equal(byName.get(m)?.kind, FileKind.Module, m);
      sameCode(join(build.moduleDir, m), m);
    }
    assert.ok(byName.get('motd')!.data.equals(readFileSync(join(GUEST_DIR, 'rootfs', 'motd'))));
    assert.equal(byName.get('motd')?.kind, FileKind.Text);
  });
});

describe('guest tools: mksyms', () => {
  it('keeps code symbols only, sorted, preferring a global name at a shared address', () => {
    const syms = parseNm([
      '0000000080000010 T beta',
      '0000000080000000 t alpha_local',
      '0000000080000000 T alpha',
      '0000000080001000 D some_data',
      '0000000080000020 t .L_label',
      '0000000080000030 W weak_one',
    ].join('\n'));
    assert.deepEqual(syms.map((s) => s.name), ['alpha', 'beta', 'weak_one']);
    const asm = emitAssembly(syms);
    assert.match(asm, /\.dword 3\n/);
    assert.match(asm, /\.dword 0x80000010, \.Lsym_name_1/);
  });

  it('the kernel carries one entry per code symbol nm sees, in address order', () => {
    const build = buildGuestKernel();
    const nm = execFileSync('riscv64-unknown-elf-nm', ['-n', build.kernel], { encoding: 'utf8' });
    const expected = parseNm(nm);
    // read kernel_symbol_count from the image through nm + objdump (independent of our parser)
    const countAddr = /^([0-9a-f]+) [A-Za-z] kernel_symbol_count$/m.exec(nm);
    assert.ok(countAddr);
    const dump = execFileSync('riscv64-unknown-elf-objdump', ['-s', '-j', '.ksyms', '--start-address=0x' + countAddr[1],
      '--stop-address=0x' + (BigInt('0x' + countAddr[1]) + 8n).toString(16), build.kernel], { encoding: 'utf8' });
    const words = /^\s*[0-9a-f]+ ([0-9a-f]{8}) ([0-9a-f]{8})/m.exec(dump);
    assert.ok(words, dump);
    const le = (h: string) => Buffer.from(h, 'hex').readUInt32LE(0);
    const count = le(words[1]) + le(words[2]) * 2 ** 32;
    // the kernel's own symbols include the table's labels themselves only as data: equal counts
    assert.equal(count, expected.length);
    assert.ok(expected.some((s) => s.name === 'lesson_peek'));
  });
});
