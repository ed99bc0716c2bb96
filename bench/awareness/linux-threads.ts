// Kernel awareness bench on Linux 6.1 (test/linux's build): the time for a debugger to list every
// task and show each one's stack, in the same run:
//  - ours: gdb-multiarch on our stub (kwb running Linux, awareness on): `info threads`, then
//    `thread N` + `bt` for every thread;
//  - QEMU: gdb-multiarch on qemu-system-riscv64's stub with Linux's own helpers: `lx-ps`, then
//    for every task its saved registers put into $pc/$sp/$ra/$s0.. by hand (what a user without
//    awareness does) + `bt`, registers restored afterwards.
// Both machines boot the same Image and initramfs with -smp 2 to our init's prompt; the timed
// part starts with the machine stopped and gdb connected (vmlinux's symbols already loaded).
// Usage: npx tsx bench/awareness/linux-threads.ts [--rounds N]
import { buildLinux } from '../../test/linux/support/linux-build';
import { bootLinuxKwb, bootLinuxQemu, bootToPrompt, LinuxGdb, type LinuxMachine } from '../../test/linux/support/qemu-linux';

const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt; };
const ROUNDS = arg('--rounds', 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ours(build: ReturnType<typeof buildLinux>): Promise<{ ms: number[]; tasks: number; frames: number }> {
  const m: LinuxMachine = await bootLinuxKwb(build, { smp: 2, extraArgs: ['--symbols', build.vmlinux] });
  try {
    await bootToPrompt(m, 180_000);
    const gdb = await LinuxGdb.attach({ build, port: m.gdbPort! });
    try {
      await gdb.interrupt().catch(() => undefined);
      const ms: number[] = [];
      let tasks = 0, frames = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        // a fresh stop each round: the stub re-reads the kernel (nothing cached across rounds)
        await gdb.mi.console('monitor go');
        await gdb.mi.console('monitor stop');
        const list = await gdb.mi.console('info threads');
        const ids = [...list.matchAll(/^\*?\s+(\d+)\s+Thread/gm)].map((x) => Number(x[1]));
        frames = 0;
        for (const id of ids) {
          await gdb.mi.console(`thread ${id}`);
          frames += (await gdb.mi.console('bt')).split('\n').filter((l) => /^#\d+/.test(l)).length;
        }
        ms.push(performance.now() - t0);
        tasks = ids.length;
      }
      return { ms, tasks, frames };
    } finally { await gdb.close(); }
  } finally { await m.close(); }
}

async function qemu(build: ReturnType<typeof buildLinux>): Promise<{ ms: number[]; tasks: number; frames: number }> {
  const m = await bootLinuxQemu(build, { smp: 2 });
  try {
    await bootToPrompt(m, 180_000);
    const gdb = await LinuxGdb.attach({ build, port: m.gdbPort! });
    try {
      await gdb.interrupt().catch(() => undefined);
      const ms: number[] = [];
      let tasks = 0, frames = 0;
      const regs = ['pc', 'sp', 'ra', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11'];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        await gdb.resume();
        await gdb.interrupt();
        const list = await gdb.lxPs();
        for (const reg of regs) await gdb.mi.console(`set $kwb_${reg} = $${reg}`);
        frames = 0;
        for (const t of list) {
          const th = `((struct task_struct *)${t.task})->thread`;
          await gdb.mi.console('frame 0').catch(() => undefined);
          await gdb.mi.console(`set $pc = ${th}.ra`);
          await gdb.mi.console(`set $sp = ${th}.sp`);
          await gdb.mi.console(`set $ra = ${th}.ra`);
          for (let i = 0; i < 12; i++) await gdb.mi.console(`set $s${i} = ${th}.s[${i}]`);
          frames += (await gdb.mi.console('bt')).split('\n').filter((l) => /^#\d+/.test(l)).length;
        }
        await gdb.mi.console('frame 0').catch(() => undefined);
        for (const reg of regs) await gdb.mi.console(`set $${reg} = $kwb_${reg}`).catch(() => undefined);
        ms.push(performance.now() - t0);
        tasks = list.length;
      }
      return { ms, tasks, frames };
    } finally { await gdb.close(); }
  } finally { await m.close(); }
}

(async () => {
  const build = buildLinux();
  const q = await qemu(build);
  const o = await ours(build);
  const { loadavg } = await import('node:os');
  console.log(`Linux 6.1, -smp 2, at our init's prompt; ${ROUNDS} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`QEMU + lx-ps + registers by hand + bt: ${q.tasks} tasks, ${q.frames} frames, median ${median(q.ms).toFixed(0)} ms (${q.ms.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ours: info threads + thread N + bt:    ${o.tasks} threads, ${o.frames} frames, median ${median(o.ms).toFixed(0)} ms (${o.ms.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio ours/QEMU: ${(median(o.ms) / median(q.ms)).toFixed(2)}`);
  process.exit(0);
})();
