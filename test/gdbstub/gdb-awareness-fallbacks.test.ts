// Kernel awareness when it cannot or must not believe the kernel: a kernel whose symbols match
// no OS profile (kwb says why in one line, harts stay threads), and the teaching kernel with its
// module list and task table corrupted through gdb (a loop, wild pointers, garbage counts and
// states): every answer comes back, cut off with a warning, never an endless walk or a stuck stub.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { CACHE_DIR, REPO_ROOT } from '../support/toolchain';
import { GdbMi } from '../support/gdb-mi';
import { progElf } from './support/fixture';
import { awareGuest, type AwareGuest } from './support/aware-guest';

const KWB = join(CACHE_DIR, 'kwb-awareness-test.js');

describe('gdbstub: kernel awareness fallbacks', function () {
  this.timeout(120_000);

  describe('a kernel no profile matches (kwb)', () => {
    let kwb: ChildProcessWithoutNullStreams | undefined;
    let gdb: GdbMi | undefined;
    let stderr = '';

    before(async () => {
      buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: KWB, bundle: true, platform: 'node', format: 'cjs', logLevel: 'error' });
      const p = spawn('node', [KWB, 'run', '--kernel', progElf(), '--gdb', 'tcp:127.0.0.1:0', '-S'], { stdio: ['pipe', 'pipe', 'pipe'] });
      kwb = p;
      p.stderr.setEncoding('utf8');
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kwb did not open its stub: ${stderr}`)), 30_000);
        p.stderr.on('data', (d: string) => {
          stderr += d;
          const m = /gdb stub listening on tcp:([\d.]+:\d+)/.exec(stderr);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
        p.on('exit', () => reject(new Error(`kwb exited: ${stderr}`)));
      });
      gdb = await GdbMi.start({ file: progElf(), timeoutMs: 30_000 });
      await gdb.command(`-target-select remote ${address}`);
    });

    after(async () => {
      await gdb?.close();
      kwb?.kill('SIGKILL');
    });

    it('rejects an unknown --awareness with one line and exit 2', () => {
      const r = spawnSync('node', [KWB, 'run', '--kernel', progElf(), '--awareness', 'solaris'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2);
      assert.equal(r.stderr, "kwb: --awareness: 'solaris' is not one of auto, none, teaching, xv6, linux\n");
    });

    it('says why in one line on stderr', () => {
      const lines = stderr.split('\n').filter((l) => l.startsWith('kwb: kernel awareness off:'));
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], /the kernel's symbols match no OS profile: teaching \(no task_table[^)]*\).*; threads are harts$/);
    });

    it('shows harts as threads, and the monitor says awareness is off', async () => {
      assert.match(await gdb!.console('info threads'), /\* 1\s+Thread 1(\.1)? "hart0" \(hart 0 M-mode\)/);
      assert.match(await gdb!.console('monitor info'), /kernel awareness: off \(the kernel's symbols match no OS profile/);
      assert.match(await gdb!.console('monitor ps'), /ps: kernel awareness is off: the kernel's symbols match no OS profile/);
      assert.match(await gdb!.console('monitor harts'), /^hart 0: M-mode pc 0x[0-9a-f]+$/m);
      assert.match(await gdb!.console('info sharedlibrary'), /No shared libraries loaded/);
    });
  });

  describe('corrupted kernel structures (the teaching kernel, written through gdb)', () => {
    let g: AwareGuest;
    let gdb: GdbMi;

    before(async () => {
      g = await awareGuest(2);
      await g.console.run('modules', 'insmod hello.ko; insmod fortune.ko\n', /loaded at[\s\S]*loaded at[\s\S]*\n\$ /);
      await g.console.run('deadlock', 'deadlock &\n', /both are stuck for good[^\n]*\n/, 30_000);
      gdb = await GdbMi.start({ file: g.build.kernel, timeoutMs: 20_000 });
      await gdb.command('-gdb-set mi-async on');
      gdb.clearStops();
      await gdb.command(`-target-select remote ${g.remote}`);
      await gdb.waitForStop();
    });

    after(async () => {
      await gdb?.close();
      await g?.close();
    });

    const libraries = async (): Promise<string> => gdb.console('maint packet qXfer:libraries:read::0,fff');

    it('a module list that loops back on itself is cut off with a warning', async () => {
      assert.match(await gdb.console('monitor modules'), /^fortune\s[\s\S]*^hello\s/m);
      await gdb.console('set var module_list->next->next = module_list');
      const mods = await gdb.console('monitor modules');
      assert.equal(mods.match(/^(fortune|hello)\s/gm)?.length, 2, mods);
      assert.match(mods, /warning: module_list: the list loops or is too long/);
      const libs = await libraries();
      assert.equal(libs.match(/<library /g)?.length, 2, libs);
      assert.match(await gdb.console('monitor info'), /warning: module_list: the list loops/);
    });

    it('a wild module pointer and a garbage section count: cut off, warned, answered', async () => {
      await gdb.console('set var module_list->next = (struct module *)0x7777777000');
      const mods = await gdb.console('monitor modules');
      assert.equal(mods.match(/^(fortune|hello)\s/gm)?.length, 1, mods);
      assert.match(mods, /warning: module_list: a module at 0x7777777000 cannot be read; list cut off/);
      await gdb.console('set var module_list->section_count = 100000');
      await gdb.console('set var module_list->sections[1].name[0] = 0x7f');
      assert.match(await gdb.console('monitor modules'), /^fortune\s/m);
      const libs = await libraries();
      assert.match(libs, /<library name="[^"]*fortune\.ko">/);
      assert.match(await gdb.console('monitor info'), /warning: module fortune: \S+ does not match the loaded module/);
    });

    it('garbage task states, names, wait reasons and lock pointers: every view answers', async () => {
      await gdb.console('set var task_table[0].state = 77');
      await gdb.console('set var task_table[1].wait_reason = (char *)0x7777777000');
      for (let i = 0; i < 16; i++) await gdb.console(`set var task_table[2].name[${i}] = 0x41`);
      await gdb.console('set var task_table[3].blocked_on = (struct sleeplock *)0x7777777000');
      await gdb.console('set var task_table[4].parent = (struct task *)0x7777777000');
      const threads = await gdb.console('info threads');
      assert.match(threads, /Thread 1 "init" \(pid 1, unknown\)/, threads);
      assert.match(threads, /"AAAAAAAAAAAAAAAA"/);
      for (const cmd of ['monitor ps', 'monitor sysrq t', 'monitor deadlock', 'monitor harts', 'info sharedlibrary']) {
        const out = await gdb.console(cmd);
        assert.ok(out.length > 0, cmd);
      }
      assert.match(await gdb.console('monitor ps'), /^\s*1\s+\S+\s+unknown\s+init/m);
    });

    it('the stub stays responsive: the machine still runs and stops', async () => {
      gdb.clearStops();
      await gdb.command('-exec-continue');
      g.console.type('\n');
      await new Promise((r) => setTimeout(r, 200));
      await gdb.command('-exec-interrupt');
      const s = await gdb.waitForStop();
      assert.equal(s.reason, 'signal-received');
      assert.match(await gdb.console('monitor ps'), /PID\s+PPID\s+STATE/);
    });
  });
});
