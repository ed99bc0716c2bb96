// What the guest build produces, checked with binutils (readelf, objdump) as the oracle: a
// RISC-V kernel entered at 0x8000_0000 with DWARF 5 and frame pointers, modules that are
// relocatable objects never linked, and a relocs module that really carries every relocation
// type the loader claims to handle.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildGuestKernel } from './support/build';

const readelf = (...args: string[]) => execFileSync('riscv64-unknown-elf-readelf', args, { encoding: 'utf8', maxBuffer: 64 << 20 });

describe('guest build artifacts', function () {
  this.timeout(300_000);

  it('the kernel is a RISC-V executable entered at 0x80000000, with DWARF 5', () => {
    const k = buildGuestKernel().kernel;
    const h = readelf('-h', k);
    assert.match(h, /Type:\s+EXEC/);
    assert.match(h, /Machine:\s+RISC-V/);
    assert.match(h, /Entry point address:\s+0x80000000/);
    assert.match(readelf('--debug-dump=info', k).slice(0, 4000), /Version:\s+5/);
  });

  it('kernel functions keep frame pointers (s0 is set up in the prologue)', () => {
    const k = buildGuestKernel().kernel;
    const dis = execFileSync('riscv64-unknown-elf-objdump', ['-d', '--disassemble=syscall_dispatch', k], { encoding: 'utf8' });
    assert.match(dis, /\s(addi?)\s+s0,sp,\d+/);   // objdump spells c.addi4spn "add s0,sp,N"
  });

  it('modules are relocatable objects (never linked)', () => {
    const dir = buildGuestKernel().moduleDir;
    for (const m of ['hello.ko', 'fortune.ko', 'buggy.ko', 'relocs.ko']) {
      assert.match(readelf('-h', join(dir, m)), /Type:\s+REL \(Relocatable file\)/, m);
    }
  });

  it('the relocs module carries every relocation type the loader handles, in loaded sections', () => {
    const out = readelf('-rW', join(buildGuestKernel().moduleDir, 'relocs.ko'));
    // only sections the loader applies: not the debug ones
    const loaded = out.split(/\n(?=Relocation section)/).filter((s) => !/'\.rela\.debug/.test(s)).join('\n');
    const needed = ['R_RISCV_64', 'R_RISCV_32', 'R_RISCV_HI20', 'R_RISCV_LO12_I', 'R_RISCV_LO12_S',
      'R_RISCV_PCREL_HI20', 'R_RISCV_PCREL_LO12_I', 'R_RISCV_PCREL_LO12_S', 'R_RISCV_CALL', 'R_RISCV_CALL_PLT',
      'R_RISCV_BRANCH', 'R_RISCV_JAL', 'R_RISCV_RVC_BRANCH', 'R_RISCV_RVC_JUMP', 'R_RISCV_ADD8', 'R_RISCV_ADD16',
      'R_RISCV_ADD32', 'R_RISCV_ADD64', 'R_RISCV_SUB8', 'R_RISCV_SUB16', 'R_RISCV_SUB32', 'R_RISCV_SUB64',
      'R_RISCV_SET6', 'R_RISCV_SUB6', 'R_RISCV_ALIGN', 'R_RISCV_RELAX'];
    for (const r of needed) assert.match(loaded, new RegExp(`\\s${r}\\s`), r);
  });

  it('C modules are built with relaxation on (the loader sees R_RISCV_RELAX from gcc, too)', () => {
    const out = readelf('-rW', join(buildGuestKernel().moduleDir, 'hello.ko'));
    assert.match(out, /R_RISCV_RELAX/);
    assert.match(out, /R_RISCV_CALL(_PLT)?\s/);
  });
});
