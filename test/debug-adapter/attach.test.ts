// attach: the adapter connects over the remote protocol to a machine running elsewhere, a
// `kwb --gdb` process and qemu-system-riscv64's own stub, and shows the same kernel world as
// for a launch: tasks as threads, the sleeping shell's stack through the trap into sh.c, values.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { buildGuestKernel, type GuestBuild } from '../guest/support/build';
import { freePort, startQemu, type RunningQemu } from '../gdbstub/support/qemu';
import { CACHE_DIR, REPO_ROOT } from '../support/toolchain';
import { Dap, plainName } from './support/dap';
import { listening } from './support/listening';

function kwbBundle(): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = join(CACHE_DIR, `kwb-attach-${process.pid}.js`);
  buildSync({ entryPoints: [join(REPO_ROOT, 'cli', 'main.ts')], outfile: tmp, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
  const out = join(CACHE_DIR, 'kwb-for-dap-attach.js');
  renameSync(tmp, out);
  return out;
}

/** What both peers must show after the shell has started. */
async function checkShell(dap: Dap, build: GuestBuild): Promise<void> {
  await dap.pause();
  const threads = await dap.threads();
  const names = threads.map((t) => t.name);
  assert.ok(names.includes('pid 2 sh (sleeping: console input)'), names.join('\n'));
  assert.ok(names.includes('pid 1 init (sleeping: child to exit)'), names.join('\n'));
  const sh = threads.find((t) => t.name.startsWith('pid 2 sh'))!;
  const frames = await dap.frames(sh.id);
  const fns = frames.map(plainName);
  for (const fn of ['sleep_on', 'console_read', 'sys_read', 'syscall_dispatch', 'user_trap']) assert.ok(fns.includes(fn), `${fn} in ${fns.join(' <- ')}`);
  assert.ok(frames.some((f) => f.presentationHint === 'label'), 'the trap from user mode');
  const main = frames.find((f) => plainName(f) === 'main' && f.source?.path?.endsWith('sh.c'));
  assert.ok(main, `sh.c's main in ${fns.join(' <- ')}`);
  const ev = await dap.dc.evaluateRequest({ expression: 'task_table[1].name', frameId: frames[0].id, context: 'watch' });
  assert.match(ev.body.result, /^"sh\\000/);
  const locals = await dap.scopeVars(frames.find((f) => plainName(f) === 'console_read')!.id, 'Arguments');
  assert.ok(locals.length > 0, 'console_read has arguments');
  const mods = (await dap.dc.modulesRequest({})).body.modules;
  assert.equal(mods[0].path, build.kernel);
}

describe('debug adapter: attach over the remote protocol', function () {
  this.timeout(120_000);
  let build: GuestBuild;
  before(() => { build = buildGuestKernel(); });

  describe('to a kwb --gdb process', () => {
    let kwb: ChildProcess | undefined;
    let dap: Dap;
    let out = '';
    after(async () => { await dap?.stop(); kwb?.kill('SIGKILL'); });

    it('stops where kwb -S waits, then sees the booted kernel\'s tasks and stacks', async () => {
      const port = await freePort();
      kwb = spawn('node', [kwbBundle(), '--kernel', build.kernel, '--gdb', `tcp:127.0.0.1:${port}`, '-S'], { stdio: ['pipe', 'pipe', 'pipe'] });
      kwb.stdout!.setEncoding('utf8');
      kwb.stdout!.on('data', (s: string) => { out += s; });
      let err = '';
      kwb.stderr!.setEncoding('utf8');
      kwb.stderr!.on('data', (s: string) => { err += s; });
      for (const until = Date.now() + 20_000; !/gdb stub listening/.test(err);) {
        if (Date.now() > until) assert.fail(`kwb did not start its stub: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      dap = new Dap();
      await dap.start();
      const stop = await dap.begin('attach', { target: `tcp:127.0.0.1:${port}`, kernel: build.kernel, stopOnEntry: true }, true);
      assert.equal(stop?.body.reason, 'entry');
      const threads = await dap.threads();
      assert.equal(threads.length, 1, JSON.stringify(threads));
      assert.equal((await dap.frames(threads[0].id))[0].instructionPointerReference, '0x1000');
      await dap.dc.continueRequest({ threadId: threads[0].id });
      for (const until = Date.now() + 30_000; !out.includes('$ ');) {
        if (Date.now() > until) assert.fail(`no shell prompt from kwb: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await checkShell(dap, build);
    });
  });

  describe('to qemu-system-riscv64 -s', () => {
    let qemu: RunningQemu | undefined;
    let dap: Dap;
    after(async () => { await dap?.stop(); await qemu?.close(); });

    it('sees QEMU\'s booted kernel as tasks, with the shell\'s stack into sh.c', async () => {
      qemu = await startQemu({ elf: build.kernel });
      await listening(qemu.port);
      dap = new Dap();
      await dap.start();
      await dap.begin('attach', { target: `tcp:127.0.0.1:${qemu.port}`, kernel: build.kernel }, false);
      // QEMU's console is not ours to read: wait until the kernel has started its shell
      for (const until = Date.now() + 60_000; ;) {
        await new Promise((r) => setTimeout(r, 500));
        await dap.pause();
        const names = (await dap.threads()).map((t) => t.name);
        if (names.includes('pid 2 sh (sleeping: console input)')) break;
        if (Date.now() > until) assert.fail(`the shell never slept on console input: ${names.join(', ')}\n${qemu.stderr()}`);
        await dap.dc.continueRequest({ threadId: 1 });
      }
      await dap.dc.continueRequest({ threadId: 1 });
      await checkShell(dap, build);
    });
  });
});
