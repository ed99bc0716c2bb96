// The debug adapter on Linux 6.1 (test/linux/build.sh's Image, OpenSBI and initramfs, symbols
// from vmlinux) launched in the adapter's own machine with a gdb port, so gdb-multiarch joins
// the very same machine at each stop as the oracle. Stops in different subsystems, reached by
// function breakpoints during one boot: kernel_clone (processes, at boot), really_probe
// (drivers), handle_mm_fault (memory: the first user page fault, exec's copy of init's
// arguments), __schedule (the scheduler), vfs_read (files: init reading the console),
// do_one_initcall under do_init_module (modules: insmod; do_init_module itself is awareness's
// load hook). At each: the stopped thread's stack (function and line per frame,
// inlined and tail-call frames included) against gdb's backtrace of the same thread, every
// kernel frame's Arguments and Locals against `info args` / `info locals`, and C expressions
// against gdb's print, among them members reached through anonymous structs and unions
// (task_struct's randomized_struct_fields, mm_struct's map_count, vm_area_struct's
// shared/anon_name) and through types one unit only declares (files->fdt->max_fds).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CACHE_DIR } from '../support/toolchain';
import { GdbMi } from '../support/gdb-mi';
import { buildLinux, FW_JUMP, LINUX_APPEND, LINUX_BUILD_TIMEOUT_MS, type LinuxBuild } from '../linux/support/linux-build';
import { INIT_PROMPT } from '../linux/support/qemu-linux';
import { Dap, plainName } from './support/dap';
import { dapEvaluate, dapFrames, dapScopes, gdbFrames, gdbPrint, gdbScopes, row } from './support/gdb-oracle';

/** Generous bounds that only catch a hang: Linux boots in minutes on our machine under load. */
const BOOT_MS = 8 * 60_000;
const STOP_MS = 10 * 60_000;

const CURRENT = '((struct task_struct *)$tp)';

/**
 * Values where the adapter is known to differ from gdb (bugs on record, see the README): each
 * is asserted to differ still, so that the fix makes this test fail until the entry goes.
 * `frame:name` of an argument or local.
 */
const KNOWN_DIFFERENCES = new Set([
  // an entry value (DW_OP_entry_value(a4)) whose caller is a frame a tail call left off the stack
  // (get_user_pages_remote): gdb reads it through that tail-call site, we say <optimized out>
  '__get_user_pages_remote:pages',
  // the same reconstructed tail-call frame below get_arg_page: gdb cannot recover this argument
  // there (<optimized out>), we print a value
  'get_arg_page:write',
]);

/**
 * Also on record: a pointer into a loaded module (do_one_initcall's fn, do_init_module's mod):
 * gdb names the module's symbol (`0x... <kwbdemo_init>`, it has the module as a library), our
 * value printing symbolizes with the kernel's symbols only and prints the bare address.
 */
function moduleSymbolDifference(ours: string | undefined, theirs: string | undefined, moduleSymbols: Set<string>): boolean {
  const m = /^(0x[0-9a-f]+)$/.exec(ours ?? '');
  const sym = m && theirs !== undefined ? new RegExp(`^${m[1]} <([\\w.]+)(\\+\\d+)?>$`).exec(theirs) : null;
  return sym !== null && moduleSymbols.has(sym[1]);
}

let moduleSymbolNames: Set<string> | undefined;
/** The symbols the module object defines (nm). */
function moduleSymbolsOf(ko: string): Set<string> {
  return (moduleSymbolNames ??= new Set(execFileSync('riscv64-unknown-elf-nm', ['--defined-only', ko], { encoding: 'utf8' })
    .split('\n').map((l) => l.split(' ')[2]).filter((n): n is string => !!n)));
}

function compareScope(ours: Record<string, string>, theirs: Record<string, string>, fn: string, what: string, modules: Set<string>): void {
  const o = { ...ours }, t = { ...theirs };
  for (const k of Object.keys(t)) {
    if (KNOWN_DIFFERENCES.has(`${fn}:${k}`)) {
      assert.notEqual(o[k], t[k], `${what} ${fn}: ${k} now agrees with gdb: take it out of KNOWN_DIFFERENCES`);
      delete o[k]; delete t[k];
    } else if (moduleSymbolDifference(o[k], t[k], modules)) {
      delete o[k]; delete t[k];
    }
  }
  assert.deepEqual(o, t, `${what} of ${fn}`);
}

describe('debug adapter: Linux 6.1 launched in the adapter, checked against gdb on its gdb port', function () {
  this.timeout(STOP_MS);
  let build: LinuxBuild;
  let dap: Dap | undefined;
  let gdb: GdbMi | undefined;
  let gdbAddress: string;
  const compared = { frames: 0, variables: 0, expressions: 0 };

  before(async function () {
    this.timeout(LINUX_BUILD_TIMEOUT_MS);
    build = buildLinux();
    const root = join(CACHE_DIR, 'dap-linux-root');
    mkdirSync(root, { recursive: true });
    copyFileSync(build.init, join(root, 'init')); // the guest's /init
    dap = new Dap();
    dap.dc.defaultTimeout = 180_000;
    await dap.start();
    await dap.dc.initializeRequest({ adapterID: 'kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = dap.dc.waitForEvent('initialized', 180_000);
    await dap.dc.launchRequest({
      kernel: build.image, bios: FW_JUMP, initrd: build.initramfs, symbols: build.vmlinux, cmdline: LINUX_APPEND, memory: '128M', smp: 1,
      programs: root, moduleDirs: [build.moduleDir], gdbPort: 0,
    } as DebugProtocol.LaunchRequestArguments);
    await initialized;
    gdbAddress = dap.gdbAddress();
    // the first stop: a function breakpoint set before the first instruction
    const [bp] = (await dap.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kernel_clone' }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    // the default filters (VS Code sends them so): Linux takes page faults in S-mode on user
    // memory all the time (uaccess), which the page-fault filter passes on Linux
    await dap.dc.setExceptionBreakpointsRequest({ filters: ['panic', 'page-fault', 'trap-loop'] });
    await dap.dc.configurationDoneRequest();
    gdb = await GdbMi.start({ file: build.vmlinux, timeoutMs: 180_000 });
    await gdb.command('-gdb-set pagination off');
    await gdb.command('-gdb-set width 0');
    await gdb.command('-gdb-set mi-async on');
    // the adapter's process also runs Linux: under load a reply can take longer than gdb's
    // default 2 s, after which gdb would send the packet again and take the second reply as
    // the answer to its next question
    await gdb.command('-gdb-set remotetimeout 60');
    await gdb.command('-gdb-set charset ASCII'); // bytes past ASCII print as escapes whatever the locale (as ours)
  });

  // a boot takes minutes: say at once why a stop failed (mocha reports only at the end)
  afterEach(function () {
    const t = this.currentTest;
    if (t?.state === 'failed') process.stderr.write(`    ${t.title}: ${t.err?.message ?? ''}\n`);
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
    if (compared.frames) process.stderr.write(`    compared with gdb: ${compared.frames} frames, ${compared.variables} variables, ${compared.expressions} expressions\n`);
  });

  /** Sets the only function breakpoint, runs to it (typing `input` into the console first) and returns the stop. */
  async function runTo(fn: string, input?: string): Promise<DebugProtocol.StoppedEvent['body']> {
    const [bp] = (await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: fn }] })).body.breakpoints;
    assert.equal(bp.verified, true, JSON.stringify(bp));
    dap!.skipStops();
    await dap!.dc.continueRequest({ threadId: 1 });
    if (input !== undefined) await dap!.type(input);
    const s = await dap!.nextStop(BOOT_MS).catch((e: Error) => {
      throw new Error(`${e.message}\nthe adapter said: ${dap!.outputs.filter((o) => o.category !== 'stdout').map((o) => o.output).join('').slice(-1500)}`);
    });
    assert.equal(s.reason, 'function breakpoint', JSON.stringify(s));
    await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    return s;
  }

  /**
   * The adapter's answers at this stop, then gdb's on the same machine: the stopped thread's
   * kernel frames (function:line, pcs), each frame's arguments and locals, and `exprs` (in frame 0).
   */
  async function compareWithGdb(threadId: number, topFunction: string, exprs: string[]): Promise<DebugProtocol.StackFrame[]> {
    const frames = await dap!.frames(threadId);
    const label = frames.findIndex((f) => f.presentationHint === 'label');
    const kernel = frames.slice(0, label < 0 ? frames.length : label);
    assert.equal(plainName(frames[0]), topFunction, frames.map((f) => f.name).join(' <- '));
    const scopes = [];
    for (const f of kernel) scopes.push(await dapScopes(dap!, f.id));
    const values: string[] = [];
    for (const e of exprs) values.push(await dapEvaluate(dap!, e, frames[0].id));
    const modules = moduleSymbolsOf(build.moduleKo);

    const g = gdb!;
    g.clearStops();
    await g.command(`-target-select remote ${gdbAddress}`);
    try {
      const threads: Array<{ id: string; 'target-id': string }> = (await g.command('-thread-info')).data.threads;
      const t = threads.find((x) => new RegExp(`^Thread ${threadId}\\b`).test(x['target-id']));
      assert.ok(t, `gdb has no thread ${threadId}: ${JSON.stringify(threads.map((x) => x['target-id']))}`);
      await g.command(`-thread-select ${t.id}`);
      const theirs = await gdbFrames(g);
      const ours = dapFrames(kernel);
      assert.deepEqual(ours.map(row), theirs.slice(0, ours.length).map(row), `frames\nours: ${ours.map(row).join(' <- ')}\ngdb:  ${theirs.map(row).join(' <- ')}`);
      assert.deepEqual(ours.map((f) => f.pc), theirs.slice(0, ours.length).map((f) => f.pc), 'pcs');
      if (label < 0) assert.equal(ours.length, theirs.filter((f) => f.line > 0).length, `all of gdb's frames with source: ${theirs.map(row).join(' <- ')}`);
      compared.frames += ours.length;
      for (let i = 0; i < ours.length; i++) {
        const want = await gdbScopes(g, i);
        compareScope(scopes[i].args, want.args, ours[i].fn, `arguments of frame ${i}`, modules);
        compareScope(scopes[i].locals, want.locals, ours[i].fn, `locals of frame ${i}`, modules);
        compared.variables += Object.keys(want.args).length + Object.keys(want.locals).length;
      }
      await g.command('-stack-select-frame 0');
      for (let i = 0; i < exprs.length; i++) {
        assert.equal(values[i], await gdbPrint(g, exprs[i]), exprs[i]);
        compared.expressions++;
      }
    } finally {
      await g.command('-target-disconnect').catch(() => undefined);
    }
    return frames;
  }

  it('kernel_clone at boot (processes): stack, arguments, locals and expressions as gdb shows them', async () => {
    const s = await dap!.nextStop(BOOT_MS);
    assert.equal(s.reason, 'function breakpoint');
    await dap!.dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await compareWithGdb(s.threadId!, 'kernel_clone', [
      'args->flags', 'args->exit_signal', '*args', `${CURRENT}->comm`, `${CURRENT}->pid`, `${CURRENT}->__state`,
      'init_task.comm', 'init_task.files->fdt->max_fds', `${CURRENT}->files->fdt->max_fds`, `${CURRENT}->files->next_fd`,
      'sizeof(struct task_struct)', 'args->flags & 0x100', 'nosuchvar', 'args->nosuch',
    ]);
  });

  it('really_probe (drivers): the tail-call frames gdb reconstructs under it, values through the device', async () => {
    const s = await runTo('really_probe');
    const frames = await compareWithGdb(s.threadId!, 'really_probe', [
      'dev->kobj.name', 'drv->name', 'drv->bus->name', 'dev->driver', 'dev->init_name', '*drv', `${CURRENT}->comm`,
      `${CURRENT}->files->fdt->max_fds`,
    ]);
    assert.ok(frames.length > 3);
  });

  it('handle_mm_fault (memory): the first user page fault; members through vm_area_struct\'s and mm_struct\'s anonymous unions and structs', async () => {
    const s = await runTo('handle_mm_fault');
    await compareWithGdb(s.threadId!, 'handle_mm_fault', [
      'vma->vm_mm->map_count', 'vma->shared', 'vma->shared.rb_subtree_last', 'vma->anon_name', 'vma->vm_start', 'vma->vm_end - vma->vm_start', 'address', 'flags',
      'vma->vm_flags', 'vma->vm_mm->mmap_base', '*vma->vm_mm->pgd', `${CURRENT}->mm`, `${CURRENT}->comm`, 'regs',
    ]);
  });

  it('__schedule (the scheduler)', async () => {
    const s = await runTo('__schedule');
    await compareWithGdb(s.threadId!, '__schedule', [
      'sched_mode', `${CURRENT}->comm`, `${CURRENT}->__state`, `${CURRENT}->se.on_rq`, `${CURRENT}->stack`, 'init_task.pid', '*init_task.files',
    ]);
  });

  it('vfs_read (files): init reads its console', async () => {
    dap!.skipStops();
    await dap!.dc.continueRequest({ threadId: 1 });
    await dap!.waitConsole(INIT_PROMPT, 0, BOOT_MS);
    await dap!.pause();
    const s = await runTo('vfs_read', 'echo hello\n');
    await compareWithGdb(s.threadId!, 'vfs_read', [
      'file->f_path.dentry->d_name.name', 'file->f_inode->i_sb->s_type->name', 'count', '*pos', 'file->f_mode', 'file->f_op->read_iter',
      `${CURRENT}->files->fdt->max_fds`, `${CURRENT}->files->fdt->fd[0]->f_path.dentry->d_iname`, `${CURRENT}->mm->map_count`, `*${CURRENT}->files`,
    ]);
  });

  it('do_one_initcall under do_init_module (modules): insmod of kwbdemo', async () => {
    // do_init_module itself is awareness's module load hook (an internal breakpoint of run control)
    const s = await runTo('do_one_initcall', 'insmod\n');
    const frames = await compareWithGdb(s.threadId!, 'do_one_initcall', [
      '(long)fn', `${CURRENT}->comm`, 'initcall_debug',
    ]);
    assert.ok(frames.some((f) => plainName(f) === 'do_init_module'), frames.map((f) => f.name).join(' <- '));
    const mod = frames.findIndex((f) => plainName(f) === 'do_init_module');
    const values = [];
    for (const e of ['mod->name', 'mod->state', 'mod->core_layout.size', '(long)mod->init', 'mod->num_syms', 'mod->mkobj.kobj.name', 'mod->init_layout.size']) values.push([e, await dapEvaluate(dap!, e, frames[mod].id)]);
    await gdb!.command(`-target-select remote ${gdbAddress}`);
    try {
      const threads: Array<{ id: string; 'target-id': string }> = (await gdb!.command('-thread-info')).data.threads;
      const t = threads.find((x) => new RegExp(`^Thread ${s.threadId}\\b`).test(x['target-id']))!;
      await gdb!.command(`-thread-select ${t.id}`);
      await gdb!.command(`-stack-select-frame ${dapFrames(frames.slice(0, mod)).length}`);
      for (const [e, v] of values) assert.equal(v, await gdbPrint(gdb!, e), `${e} in do_init_module`);
    } finally {
      await gdb!.command('-target-disconnect').catch(() => undefined);
    }
  });
});
