// The teaching kernel (guest/build/kernel.elf, -Og DWARF 5, built by `make -C guest`) under
// qemu-system-riscv64 with gdb-multiarch attached: at stops through boot, the first user
// programs' system calls, a deep printk call and a timer interrupt taken in the kernel, our
// backtrace (functions, files, lines, pcs), the locals and parameters of the three innermost
// frames, a list of globals and a list of C expressions print what gdb prints.
// `<optimized out>` agrees only where both say it. One deliberate difference: below
// kernel_main (whose saved return address is 0) gdb shows a last `?? ()` frame at pc 0; we
// stop cleanly at the bottom of the stack, so gdb's frames at pc 0 are left out.
import { strict as assert } from 'node:assert';
import { buildGuestKernel } from '../guest/support/build';
import { openFile } from './support/corpus';
import { LiveSession } from './support/live';

// in the order the kernel reaches them from reset (each stop continues from the last)
const STOPS = ['page_alloc_init', 'map_megapages', 'initfs_init', 'emit_number', 'schedule', 'load_segment', 'build_stack',
  'syscall_dispatch', 'task_fork', 'sys_write', 'console_write', 'sleep_on', 'timer_interrupt'];
const GLOBALS = ['harts', 'task_table[1]', 'ticks', 'kernel_pagetable', 'panicking', 'boot_fdt', 'sstc_present', 'free_count', 'next_pid',
  'console_device', 'devices', 'syscall_table', 'files', 'rr_cursor', 'disk_present', 'task_lock', 'accounts'];
const EXPRS = ['harts[0].current->name', '*harts[0].current', 'harts[0].current->pid + 1', '&task_table[2]', 'task_table[1].state',
  'task_table[1].name[0]', 'sizeof(struct task)', 'sizeof task_table / sizeof task_table[0]', 'harts[0].idle.context',
  'files[1].name', '*files[1].name@3', 'files[2].size * 2', 'files[0].kind == 1', 'console_device.write', '*console_device.name@4',
  'syscall_table[3]', 'kernel_pagetable[2]', 'task_table[1].user_regs->pc', '(long)&task_table[1] - (long)&task_table[0]',
  'free_count > 100 && ticks >= 0', '$sp', '$pc', '$ra', '$a0', '-next_pid', 'task_table[1].files[0]',
  'kernel_stacks', 'sizeof kernel_stacks', '&kernel_stacks', '&kernel_stacks[2]', 'kernel_stacks[1][0]', '*kernel_stacks[3]@4', '&task_table[1].context'];
const hex = (v: bigint) => '0x' + v.toString(16);

describe('symbols: the teaching kernel on QEMU vs gdb (backtraces, values, expressions)', function () {
  this.timeout(120000);
  const elf = buildGuestKernel().kernel;
  const f = openFile(elf);
  let live: LiveSession;
  before(async () => { live = await LiveSession.start(elf); });
  after(async () => { await live?.close(); });
  const count = { frames: 0, values: 0, exprs: 0 };

  const gdbPrint = async (e: string) => {
    try { return (await live.gdb.console(`print ${e}`)).replace(/^\$\d+ = /, '').trim(); } catch (err) { return `ERROR ${(err as { gdbMessage?: string }).gdbMessage ?? err}`; }
  };

  for (const stop of STOPS) {
    it(`at ${stop}: backtrace, locals and parameters of 3 frames, globals, expressions`, async () => {
      await live.runTo(stop);
      const want = (await live.backtrace()).filter((x) => !(x.addr === 0n && x.func === '??')).map((x) => `${x.func} ${x.file}:${x.line} ${hex(x.addr)}`);
      assert.ok(want[0].startsWith(stop + ' '), `stopped at ${want[0]}, not in ${stop}`);
      const regs = await live.registers();
      const got = (await f.backtrace(regs, live.memory)).map((x) => `${x.function} ${x.file}:${x.line} ${hex(x.pc)}`);
      assert.deepEqual(got, want);
      count.frames += want.length;

      const frames = await f.frames(regs, live.memory);
      const bad: string[] = [];
      for (let level = 0; level < Math.min(3, frames.length); level++) {
        const fr = frames[level];
        await live.gdb.command(`-stack-select-frame ${level}`); // -Og kernel: no inlined frames at these stops
        const names = f.variables!.localsAt(fr.innermost ? fr.pc : fr.pc - 1n).map((d) => f.dwarf!.nameOf(d)!).filter(Boolean);
        for (const n of [...new Set(names)]) {
          const w = await gdbPrint(n);
          const g = await f.printVariable(n, fr, live.memory);
          count.values++;
          if (g !== w) bad.push(`frame ${level} ${n}: gdb ${w} | ours ${g}`);
        }
      }
      await live.gdb.command('-stack-select-frame 0');
      for (const e of [...GLOBALS, ...EXPRS]) {
        const w = await gdbPrint(e);
        const r = await f.printExpression(e, frames[0], live.memory);
        const g = r.ok ? r.text : `ERROR ${r.text}`;
        count.exprs++;
        if (g !== w) bad.push(`${e}: gdb ${w} | ours ${g}`);
      }
      assert.deepEqual(bad, []);
      assert.deepEqual(f.warningList, []);
    });
  }

  it('compared enough (frames, variables, expressions)', () => {
    assert.ok(count.frames >= 40 && count.values >= 40 && count.exprs >= STOPS.length * 40, JSON.stringify(count));
  });
});
