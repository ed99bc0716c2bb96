// extended-remote `attach PID` with kernel awareness (UML's `att`): gdb-multiarch, started with
// the kernel's symbols, attaches to one of two `spin` processes running at once on two harts;
// the process's program comes in as a library (its symbols, its source), a breakpoint in its
// main stops only that process (the other one passes the same address in its own address
// space without a stop), gdb keeps one inferior, and a detach leaves the machine running.
import { strict as assert } from 'node:assert';
import { GdbMi } from '../support/gdb-mi';
import { awareGuest, guestLine, type AwareGuest } from './support/aware-guest';

describe('gdbstub: attach PID to a user process (kernel awareness, extended-remote)', function () {
  this.timeout(120_000);
  let g: AwareGuest;
  let gdb: GdbMi;
  let pids: number[] = [];

  before(async () => {
    g = await awareGuest(2);
    for (let i = 0; i < 2; i++) {
      const out = await g.console.run('spin', 'spin &\n');
      pids.push(Number(/\[(\d+)\] spin/.exec(out)![1]));
    }
    gdb = await GdbMi.start({ file: g.build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select extended-remote ${g.remote}`);
    await gdb.waitForStop();
  });

  after(async () => {
    await gdb?.close();
    await g?.close();
  });

  it('attach PID selects the process: one thread, its program\'s symbols and source', async () => {
    const [pid] = pids;
    gdb.clearStops();
    await gdb.command(`-target-attach ${pid}`);
    const s = await gdb.waitForStop();
    assert.equal(s.frame.func, 'main', JSON.stringify(s.frame));
    assert.match(String(s.frame.file), /spin\.c$/);
    const threads = await gdb.console('info threads');
    assert.match(threads, new RegExp(`\\* 1\\s+Thread ${pid} "spin" \\(pid ${pid}, running on hart \\d\\)`), threads);
    assert.equal(threads.match(/Thread \d+ "/g)?.length, 1, threads);
    const inferiors = await gdb.console('info inferiors');
    assert.equal(inferiors.match(/^\*? +\d+ /gm)?.length, 1, `one inferior (multiprocess is not offered): ${inferiors}`);
    assert.match(await gdb.console('info sharedlibrary'), /Yes\s+\S*\/build\/user\/spin$/m);
    // qXfer:exec-file:read names the program of that pid
    assert.match(await gdb.console(`maint packet qXfer:exec-file:read:${pid.toString(16)}:0,fff`), /received: "l\S*\/build\/user\/spin"/);
    assert.match(await gdb.console('monitor info'), new RegExp(`attached to pid ${pid}`));
  });

  it('a breakpoint in its main stops there, in this process only, with its source line', async () => {
    const [pid, other] = pids;
    const line = guestLine('user/spin.c', 'counter++');
    const bp = (await gdb.command(`-break-insert spin.c:${line}`)).data.bkpt;
    assert.equal(bp.func, 'main');
    for (let i = 0; i < 3; i++) {
      gdb.clearStops();
      await gdb.command('-exec-continue');
      const s = await gdb.waitForStop();
      assert.equal(s.reason, 'breakpoint-hit');
      assert.deepEqual([s.frame.func, String(s.frame.file).replace(/.*\//, ''), Number(s.frame.line)], ['main', 'spin.c', line]);
      // the hart that stopped at the breakpoint runs the attached process
      const harts = await gdb.console('monitor harts');
      const at = [...harts.matchAll(/^hart (\d+): U-mode pc (0x[0-9a-f]+), running pid (\d+)/gm)].filter((m) => BigInt(m[2]) === BigInt(bp.addr));
      assert.ok(at.some((m) => Number(m[3]) === pid), harts);
      assert.ok(harts.includes(`running pid ${other} (spin)`), `the other spin runs on too: ${harts}`);
    }
    await gdb.command('-break-delete');
  });

  it('detach leaves the machine running', async () => {
    await gdb.command('-target-detach');
    const out = await g.console.run('hello', 'hello world\n');
    assert.match(out, /world/);
  });

  it('kill in extended mode only lets go: a gdb that then quits leaves the machine running', async () => {
    await gdb.close();
    gdb = await GdbMi.start({ file: g.build.kernel, timeoutMs: 60_000 });
    await gdb.command('-gdb-set mi-async on');
    gdb.clearStops();
    await gdb.command(`-target-select extended-remote ${g.remote}`);
    await gdb.waitForStop();
    await gdb.console('kill');
    await gdb.close();
    assert.match(await g.console.run('hello', 'hello again\n'), /again/, 'the shell answers: the machine runs');
  });
});
