// The module loader given broken objects: each is refused with a message naming the file and
// what is wrong, nothing is left loaded, and the kernel keeps working. The broken modules are
// made here (cut, patched, or compiled to miss something) and built into a variant kernel with
// make's EXTRA_MODULES, in its own build directory.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuestKernel, GUEST_BUILD, GUEST_DIR } from './support/build';
import { QemuPort } from './support/qemu-port';
import { BOOT, CTRL_P, runScript, stepOutput, TASK_LIST_END, type ScriptStep } from './support/scripts';
import type { TranscriptStep } from './support/console-session';

const VARIANT = join(GUEST_BUILD, 'variant-bad-modules');
const CFLAGS = ['-march=rv64gc_zicsr_zifencei', '-mabi=lp64d', '-mcmodel=medany', '-ffreestanding', '-nostdlib', '-c'];

/** Offset in the file of the section called `name` (ELF64 little-endian section headers). */
function sectionOffset(elf: Buffer, name: string): number {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a), shnum = elf.readUInt16LE(0x3c), shstrndx = elf.readUInt16LE(0x3e);
  const hdr = (i: number) => shoff + i * shentsize;
  const names = Number(elf.readBigUInt64LE(hdr(shstrndx) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const n = elf.readUInt32LE(hdr(i));
    const end = elf.indexOf(0, names + n);
    if (elf.subarray(names + n, end).toString('latin1') === name) return Number(elf.readBigUInt64LE(hdr(i) + 0x18));
  }
  throw new Error(`no section ${name}`);
}

function compileModule(dir: string, name: string, source: string): string {
  const c = join(dir, `${name}.c`);
  const ko = join(dir, `${name}.ko`);
  writeFileSync(c, source);
  execFileSync('riscv64-unknown-elf-gcc', [...CFLAGS, c, '-o', ko]);
  return ko;
}

function makeBrokenModules(): string[] {
  const dir = join(VARIANT, 'broken');
  mkdirSync(dir, { recursive: true });
  const hello = readFileSync(join(buildGuestKernel().moduleDir, 'hello.ko'));
  const files: string[] = [];
  const put = (name: string, bytes: Buffer) => { const p = join(dir, name); writeFileSync(p, bytes); files.push(p); };

  put('notelf.ko', Buffer.from('this is not an ELF file at all\n'));
  put('truncated.ko', hello.subarray(0, 100));
  const wrongMachine = Buffer.from(hello);
  wrongMachine.writeUInt16LE(62, 18);                            // e_machine = x86-64
  put('wrongmachine.ko', wrongMachine);
  const badReloc = Buffer.from(hello);
  badReloc.writeUInt32LE(200, sectionOffset(badReloc, '.rela.text') + 8);   // r_info's type of entry 0
  put('badreloc.ko', badReloc);
  const badSym = Buffer.from(hello);
  badSym.writeUInt32LE(0xfffff, sectionOffset(badSym, '.rela.text') + 12);  // r_info's symbol of entry 0
  put('badsym.ko', badSym);
  files.push(compileModule(dir, 'undefined', 'void no_such_kernel_function(void);\nint kmod_start(void) { no_such_kernel_function(); return 0; }\n'));
  files.push(compileModule(dir, 'nostart', 'int not_the_start(void) { return 0; }\n'));
  files.push(compileModule(dir, 'refuses', 'int kmod_start(void) { return -1; }\n'));
  return files;
}

const SCRIPT: ScriptStep[] = [
  BOOT,
  { label: 'warm up', send: 'insmod hello.ko; rmmod hello' },
  { label: 'pages before', raw: CTRL_P, until: TASK_LIST_END },
  ...['notelf', 'truncated', 'wrongmachine', 'badreloc', 'badsym', 'undefined', 'nostart', 'refuses']
    .map((m): ScriptStep => ({ label: m, send: `insmod ${m}.ko` })),
  { label: 'pages after', raw: CTRL_P, until: TASK_LIST_END },
  { label: 'lsmod', send: 'lsmod' },
  { label: 'good module still loads', send: 'insmod relocs.ko' },
  { label: 'still fine', send: 'forktest' },
];

describe('guest kernel on QEMU: broken modules are refused clearly', function () {
  this.timeout(240_000);
  let steps: TranscriptStep[];

  before(async () => {
    const extra = makeBrokenModules();
    // start from the main build's objects (timestamps kept), so only the initramfs and the
    // kernel's link are redone
    for (const dir of ['kernel', 'user', 'modules', 'initfs']) {
      cpSync(join(GUEST_BUILD, dir), join(VARIANT, dir), { recursive: true, preserveTimestamps: true });
    }
    execFileSync('flock', [join(VARIANT, '.build-lock'), 'make', '-C', GUEST_DIR, '-j2', `B=${VARIANT}`, `EXTRA_MODULES=${extra.join(' ')}`],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
    steps = await runScript(new QemuPort({ kernel: join(VARIANT, 'kernel.elf'), smp: 1 }), SCRIPT);
  });

  const expected: [string, RegExp][] = [
    ['notelf', /insmod: notelf\.ko: not a RISC-V relocatable ELF object/],
    ['truncated', /insmod: truncated\.ko: bad section table/],
    ['wrongmachine', /insmod: wrongmachine\.ko: not a RISC-V relocatable ELF object/],
    ['badreloc', /insmod: badreloc\.ko: unsupported relocation type\n.*insmod: badreloc\.ko: relocation failed: type 200 at \.text\+0x/s],
    ['badsym', /insmod: badsym\.ko: bad symbol index/],
    ['undefined', /insmod: undefined\.ko: unknown symbol: no_such_kernel_function/],
    ['nostart', /insmod: nostart\.ko: no kmod_start function/],
    ['refuses', /module refuses: kmod_start failed \(-1\)/],
  ];
  for (const [label, re] of expected) {
    it(`${label}.ko: ${re.source.split('\\n')[0].replace(/\\/g, '')}`, () => {
      const out = stepOutput(steps, label);
      assert.match(out, re);
      assert.match(out, /insmod: \S+\.ko: (not a valid program or module|invalid argument)\n\$ $/, 'the user program reports the failure too');
    });
  }

  it('nothing is left loaded, no page is lost, and the kernel keeps working', () => {
    const free = (label: string) => Number(TASK_LIST_END.exec(stepOutput(steps, label))![2]);
    assert.equal(free('pages after'), free('pages before'));
    assert.equal(stepOutput(steps, 'lsmod').trim(), 'lsmod\nMODULE       TEXT               SIZE\n$');
    assert.match(stepOutput(steps, 'good module still loads'), /failed mask 0x0/);
    assert.match(stepOutput(steps, 'still fine'), /exit codes all correct/);
  });
});
