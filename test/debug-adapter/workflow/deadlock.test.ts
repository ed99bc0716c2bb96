// The deadlock lesson at the DAP level, as VS Code drives it: `deadlock` typed into the serial
// console (kwb/serialInput), pause; the two workers are threads sleeping on each other's lock;
// each worker's stack reaches the lock acquire in lesson_transfer <- sys_transfer; the Task scope
// and evaluate of task_table[...].blocked_on->holder_pid name the other worker. The kernel frames
// are checked against gdb-multiarch attached to the same stopped machine through the adapter's
// gdb port (launch config gdbPort).
import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildGuestKernel } from '../../guest/support/build';
import { GdbMi } from '../../support/gdb-mi';
import { Dap, plainName } from '../support/dap';
import { assertWorkerStack } from '../support/lessons';

describe('debug adapter workflow: the deadlock lesson', function () {
  this.timeout(120_000);
  let dap: Dap;
  let gdb: GdbMi | undefined;
  let kernel: string;
  let workers: Array<{ pid: number; thread: DebugProtocol.Thread }> = [];

  before(async () => {
    kernel = buildGuestKernel().kernel;
    dap = new Dap();
    await dap.start();
    await dap.launchToShell({ kernel, gdbPort: 0, smp: 2 });
  });

  after(async () => {
    await gdb?.close();
    await dap?.stop();
  });

  it('runs the lesson from the console; after pause the two workers are threads sleeping on a lock the other holds', async () => {
    const from = dap.console.length;
    await dap.type('deadlock\n');
    await dap.waitConsole(/both are stuck for good/, from);
    const said = /pid (\d+) holds account0 and wants account1; pid (\d+) holds account1/.exec(dap.console.slice(from));
    assert.ok(said, dap.console.slice(from));
    await dap.waitConsole('$ ', from);
    const stop = await dap.pause();
    assert.equal(stop.body.reason, 'pause');
    const threads = await dap.threads();
    const [a, b] = [Number(said[1]), Number(said[2])];
    for (const [pid, other, lock] of [[a, b, 'account1'], [b, a, 'account0']] as const) {
      const t = threads.find((x) => x.name.startsWith(`pid ${pid} deadlock `));
      assert.ok(t, `a thread for worker ${pid}: ${threads.map((x) => x.name).join(' | ')}`);
      assert.equal(t.id, pid, 'a task\'s thread id is its pid');
      assert.match(t.name, /\(sleeping: /, t.name);
      assert.ok(t.name.includes(lock), `${t.name} names the lock it waits for (${lock})`);
      assert.ok(t.name.includes(`pid ${other}`), `${t.name} names the holder (pid ${other})`);
      workers.push({ pid, thread: t });
    }
  });

  it('each worker\'s stack: sleep_on <- sleeplock_acquire <- lesson_transfer (the second lock) <- sys_transfer, the same frames and lines as gdb\'s', async () => {
    const g = await gdbOnAdapter();
    for (const w of workers) {
      const frames = await dap.frames(w.thread.id);
      const { label } = assertWorkerStack(frames);

      // gdb on the same machine, same task (thread 'Thread PID' from the stub's awareness)
      const threads: Array<{ id: string; 'target-id': string }> = (await g.command('-thread-info')).data.threads;
      const gt = threads.find((x) => x['target-id'] === `Thread ${w.pid}`);
      assert.ok(gt, `gdb has a thread for pid ${w.pid}`);
      await g.command(`-thread-select ${gt.id}`);
      const theirs = (await g.command('-stack-list-frames')).data.stack.map((f: { value: { func: string; line?: string; addr: string } }) => `${f.value.func}:${f.value.line ?? 0}:${BigInt(f.value.addr)}`);
      const ours = frames.slice(0, label).map((f) => `${plainName(f)}:${f.line}:${BigInt(f.instructionPointerReference!)}`);
      assert.deepEqual(ours, theirs.slice(0, ours.length), 'kernel frames: function, line and pc as gdb');
    }
  });

  it('the Task scope and evaluate of blocked_on->holder_pid name the other worker', async () => {
    for (const [i, w] of workers.entries()) {
      const other = workers[1 - i].pid;
      const frames = await dap.frames(w.thread.id);
      const task = Object.fromEntries((await dap.scopeVars(frames[0].id, 'Task')).map((v) => [v.name, v.value]));
      assert.equal(task.pid, String(w.pid));
      assert.equal(task.name, 'deadlock');
      assert.match(task.state, /^sleeping/);
      const lock = `account${i === 0 ? 1 : 0}`;
      assert.equal(task.lock, `${lock} held by pid ${other}`, 'the Task scope names the lock and its holder');
      assert.match(task.wait, new RegExp(`^${lock} on &accounts\\[${i === 0 ? 1 : 0}\\]$`));
      const slot = await dap.dc.evaluateRequest({ expression: `task_table[${await slotOf(w.pid, frames[0].id)}].blocked_on->holder_pid`, frameId: frames[0].id, context: 'watch' });
      assert.equal(slot.body.result, String(other));
      const name = await dap.dc.evaluateRequest({ expression: 'l->name', frameId: frames.find((f) => plainName(f) === 'sleeplock_acquire')!.id, context: 'watch' });
      assert.match(name.body.result, new RegExp(`"${lock}"$`));
    }
  });

  /** The task_table index of a pid, found through evaluate. */
  async function slotOf(pid: number, frameId: number): Promise<number> {
    for (let i = 0; i < 32; i++) {
      const r = await dap.dc.evaluateRequest({ expression: `task_table[${i}].pid`, frameId, context: 'watch' });
      if (r.body.result === String(pid)) return i;
    }
    return assert.fail(`no task_table slot with pid ${pid}`);
  }

  async function gdbOnAdapter(): Promise<GdbMi> {
    if (gdb) return gdb;
    gdb = await GdbMi.start({ file: kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    await gdb.command(`-target-select remote ${dap.gdbAddress()}`);
    return gdb;
  }
});

