// gdb-multiarch on our stub with Linux 6.1 (test/linux/build.sh's Image on kwb, with
// --symbols vmlinux, --program-root and --module-dir), as a kernel developer drives it, with
// Linux's own gdb helpers loaded: `info threads` against lx-ps on the same stop; a sleeping
// process's `bt` from __schedule through the system call and the trap entry into its user
// code; our module kwbdemo as a shared library: a breakpoint set before insmod binds at load and
// is hit at the source line of the .c file, rmmod drops the symbols, a second insmod is hit
// again (Linux may give it the same addresses again: vmalloc reuses the freed area); the library element has one address per allocated section of the .ko (the kernel's
// own for each section its sect_attrs lists).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SymbolFile } from '../../symbols';
import { CACHE_DIR, REPO_ROOT } from '../support/toolchain';
import { buildLinux, LINUX_BUILD_TIMEOUT_MS, type LinuxBuild } from './support/linux-build';
import { bootLinuxKwb, bootToPrompt, INIT_PROMPT, LinuxGdb, type LinuxMachine } from './support/qemu-linux';

const MODULE_SOURCE = join(REPO_ROOT, 'test', 'linux', 'module', 'kwbdemo.c');

/** The 1-based line of the first line of kwbdemo.c containing `text`. */
function moduleLine(text: string): number {
  const i = readFileSync(MODULE_SOURCE, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `kwbdemo.c has no line with ${text}`);
  return i + 1;
}

/** SHF_ALLOC sections of an object in header order (readelf -S), with their sizes. */
function allocSections(obj: string): Array<{ name: string; size: number }> {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-SW', obj], { encoding: 'utf8' });
  const secs: Array<{ name: string; size: number }> = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)/.exec(line);
    if (m && m[3].includes('A')) secs.push({ name: m[1], size: parseInt(m[2], 16) });
  }
  return secs;
}

interface GdbThread { id: string; tid: number; name: string; pid: number; state: string }

/** `info threads` rows: gdb's id, the target's thread id, name, pid and the state word. */
function parseInfoThreads(text: string): GdbThread[] {
  return [...text.matchAll(/^\*?\s*(\d+)\s+Thread (\d+) "([^"]*)" \(pid (\d+), ([a-z]+)/gm)]
    .map((m) => ({ id: m[1], tid: Number(m[2]), name: m[3], pid: Number(m[4]), state: m[5] }));
}

describe('gdb-multiarch on our stub with Linux 6.1 (kwb --symbols vmlinux)', function () {
  this.timeout(240_000);
  let build: LinuxBuild;
  let machine: LinuxMachine | undefined;
  let gdb: LinuxGdb | undefined;
  let threads: GdbThread[];

  before(async function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    build = buildLinux();
    const root = join(CACHE_DIR, 'linux-root');
    mkdirSync(root, { recursive: true });
    copyFileSync(build.init, join(root, 'init')); // the guest's /init
    machine = await bootLinuxKwb(build, {
      smp: 2, extraArgs: ['--symbols', build.vmlinux, '--program-root', root, '--module-dir', build.moduleDir],
    });
    await bootToPrompt(machine, 120_000);
    gdb = await LinuxGdb.attach({ build, port: machine.gdbPort! }); // stopped by the stub on attach
  });

  after(async () => {
    await gdb?.close();
    await machine?.close();
  });

  const mi = () => gdb!.mi;

  it('info threads lists exactly the tasks lx-ps lists (pid, name), plus the other hart\'s idle task, each with its state', async () => {
    threads = parseInfoThreads(await mi().console('info threads'));
    const lx = await gdb!.lxPs();
    assert.ok(lx.length >= 10, `lx-ps printed ${lx.length} tasks`);
    const key = (pid: number, name: string) => `${pid} ${name}`;
    const ours = threads.map((t) => key(t.pid, t.name));
    assert.deepEqual(lx.map((t) => key(t.pid, t.comm)).filter((k) => !ours.includes(k)), [], 'lx-ps tasks missing from info threads');
    const extra = ours.filter((k) => !lx.some((t) => key(t.pid, t.comm) === k));
    assert.deepEqual(extra, ['0 swapper/1'], 'beyond lx-ps: the second hart\'s idle task');
    assert.equal(threads.length, lx.length + 1);
    for (const t of threads) {
      assert.match(t.state, /^(running|runnable|sleeping|idle|stopped|zombie|dead|new)$/, `${t.pid} ${t.name}: ${t.state}`);
      assert.equal(t.tid, t.pid === 0 ? 0x400000 + Number(t.name.split('/')[1]) : t.pid, 'thread id = pid (idle tasks 0x400000 + hart)');
    }
    const state = (name: string) => threads.find((t) => t.name === name)?.state;
    assert.deepEqual(['kwb-pipe', 'kwb-sleep', 'kwb-stopped', 'kwb-zombie'].map(state), ['sleeping', 'sleeping', 'stopped', 'zombie']);
  });

  it('thread N + bt on kwb-pipe: __schedule, pipe_read ... ksys_read, the trap entry, then the user frame in our init', async () => {
    const pipe = threads.find((t) => t.name === 'kwb-pipe');
    assert.ok(pipe);
    await mi().console(`thread ${pipe.id}`);
    const bt = await mi().console('bt');
    const frames: Array<{ func?: string; addr: string }> = (await mi().command('-stack-list-frames')).data.stack.map((f: { value: { func?: string; addr: string } }) => f.value);
    const names = frames.map((f) => f.func ?? '??');
    const at = (fn: string): number => { const i = names.indexOf(fn); assert.ok(i >= 0, `${fn} missing from\n${bt}`); return i; };
    assert.ok(at('__schedule') < at('schedule'));
    assert.ok(at('schedule') < at('pipe_read'));
    assert.ok(at('pipe_read') < at('vfs_read'));
    assert.ok(at('vfs_read') < at('ksys_read'));
    // the trap entry (its CFI comes from the stub's trap-frame library), then the interrupted user code
    assert.equal(names[at('ksys_read') + 1], 'handle_exception', bt);
    const user = frames[at('handle_exception') + 1];
    assert.ok(user, `no frame past the trap entry:\n${bt}`);
    const pc = BigInt(user.addr);
    assert.ok(pc < 1n << 38n, `a user address: ${user.addr}\n${bt}`);
    const init = SymbolFile.open(new Uint8Array(readFileSync(build.init)), { name: build.init });
    assert.ok(init.functionAt(pc), `0x${pc.toString(16)} is code of our init\n${bt}`);
    assert.match(await mi().console('info sharedlibrary'), /^0x[0-9a-f]+\s+0x[0-9a-f]+\s+Yes\s+\S+\/vmlinux-trap-frames\.o$/m);
  });

  it('a breakpoint in kwbdemo set before insmod binds at load and is hit at its source line; rmmod drops the module; a second insmod hits it again', async () => {
    const line = moduleLine('kwbdemo_calls++;');
    await mi().console('set breakpoint pending on');
    assert.match(await mi().console('break kwbdemo_work'), /pending/);
    assert.doesNotMatch(await mi().console('info sharedlibrary'), /kwbdemo/);
    // Between the two loads the breakpoint is disabled: kwbdemo's timer calls kwbdemo_work every second.
    const hits: Array<{ addr: string; line: number; file: string }> = [];
    for (let round = 0; round < 2; round++) {
      await mi().console('enable 1');
      mi().clearStops();
      await mi().command('-exec-continue');
      machine!.session.type('insmod\n');
      const s = await mi().waitForStop();
      assert.equal(s.reason, 'breakpoint-hit', JSON.stringify(s));
      assert.equal(s.frame.func, 'kwbdemo_work');
      hits.push({ addr: s.frame.addr, line: Number(s.frame.line), file: String(s.frame.file) });
      // the first call is kwbdemo_init's, from the loader
      const bt = await mi().console('bt');
      assert.match(bt, /#1 .* in kwbdemo_init \(\) at \S*kwbdemo\.c:\d+\n#2 .* in do_one_initcall /, bt);
      const libs = await mi().console('info sharedlibrary');
      const row = /^(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+Yes\s+\S*\/kwbdemo\.ko$/m.exec(libs);
      assert.ok(row, libs);
      assert.ok(BigInt(row[1]) <= BigInt(s.frame.addr) && BigInt(s.frame.addr) <= BigInt(row[2]), `the hit lies in the library's range:\n${libs}`);
      await mi().console('disable 1');
      mi().clearStops();
      await mi().command('-exec-continue');
      await machine!.session.waitFor('insmod: ok', 60_000);
      await machine!.session.waitFor(INIT_PROMPT, 60_000);
      if (round === 0) {
        machine!.session.type('rmmod\n');
        await machine!.session.waitFor('rmmod: ok', 60_000);
        await machine!.session.waitFor(INIT_PROMPT, 60_000);
      }
      await gdb!.interrupt();
      if (round === 0) {
        // the unload hook was a library stop: gdb has dropped the module and its symbols
        assert.doesNotMatch(await mi().console('info sharedlibrary'), /kwbdemo/);
        await assert.rejects(mi().console('print kwbdemo_state'), /No symbol "kwbdemo_state" in current context/);
      }
    }
    for (const h of hits) assert.deepEqual([h.file.replace(/.*\//, ''), h.line], ['kwbdemo.c', line]);
    const lib = mi().asyncRecords.filter((r) => (r.state === 'library-loaded' || r.state === 'library-unloaded') && /kwbdemo\.ko$/.test(String(r.data?.id)))
      .map((r) => r.state);
    assert.deepEqual(lib, ['library-loaded', 'library-unloaded', 'library-loaded']);
    // gdb reads the module's data at the addresses the library list gave
    assert.match(await mi().console('print/x kwbdemo_state.magic'), /= 0x6b7762$/m);
    await mi().console('delete');
  });

  it('the library element: one address per SHF_ALLOC section of the .ko in header order; the kernel\'s for those sect_attrs lists, the previous listed one\'s for the rest', async () => {
    const xml = await mi().console('maint packet qXfer:libraries:read::0,ffff');
    const lib = /<library name="[^"]*kwbdemo\.ko">(.*?)<\/library>/.exec(xml.replace(/\\x0a/g, ''));
    assert.ok(lib, xml);
    const given = [...lib[1].matchAll(/<section address="(0x[0-9a-f]+)"\/>/g)].map((m) => BigInt(m[1]));
    const listed = new Map([...(await mi().console('monitor modules')).matchAll(/ ([^\s=]+)=(0x[0-9a-f]+)/g)].map((m) => [m[1], BigInt(m[2])]));
    const secs = allocSections(build.moduleKo);
    assert.equal(given.length, secs.length, `${secs.map((s) => s.name).join(' ')}\n${lib[1]}`);
    assert.ok(!listed.has('.modinfo') && listed.has('.symtab'), 'Linux keeps no .modinfo address, and lists .symtab, which the .ko does not allocate');
    let previous: bigint | undefined;
    secs.forEach((s, i) => {
      const want = listed.get(s.name) ?? previous;
      assert.equal(given[i], want, `${s.name}: 0x${given[i].toString(16)}`);
      if (listed.has(s.name) && s.size > 0) previous = listed.get(s.name);
    });
  });
});
