// A guest in a trap storm still pauses (issue 13): the bare-metal trap-storm guest
// (support/trap-storm.S) launched through the adapter process takes traps into M-mode as fast
// as the hart can, either an ecall from S-mode in a loop or a machine timer interrupt that is
// pending for ever; with the "Unexpected trap into M-mode" filter on, run control also watches
// mtvec, so every one of those traps is an internal stop that run control judges and resumes.
// Each pause must still end in one stopped event with reason 'pause' (a generous bound catches
// a hang; the latency itself is measured by bench/debug-adapter/next-step.ts), and the guest's
// own counters (s1: round trips seen by S-mode, s2: traps seen by the handler) show that it
// was storming between the pauses.
import { strict as assert } from 'node:assert';
import { Dap } from './support/dap';
import { trapStormGuest } from './support/trap-storm';

describe('debug adapter: pause in a trap storm (bare-metal guest, internal stops at the watched mtvec)', function () {
  this.timeout(120_000);

  for (const kind of ['ecall', 'interrupt'] as const) {
    it(`${kind} storm: every pause ends in a stopped event, and the guest stormed in between`, async () => {
      const dap = new Dap();
      await dap.start();
      try {
        await dap.begin('launch', { kernel: trapStormGuest(kind), stopOnEntry: true, idle: 'skip' }, true);
        const filters = await dap.request('setExceptionBreakpoints', { filters: ['m-mode-trap', 'trap-loop'] });
        assert.deepEqual(filters.breakpoints.map((b: { verified: boolean }) => b.verified), [true, true]);
        const reg = async (frameId: number, r: string): Promise<bigint> => BigInt((await dap.request('evaluate', { expression: `$${r}`, context: 'watch', frameId })).result);
        let lastS1 = 0n, lastS2 = 0n;
        const PAUSES = 8;
        for (let i = 0; i < PAUSES; i++) {
          await dap.dc.continueRequest({ threadId: 1 });
          await new Promise((r) => setTimeout(r, 150));
          dap.skipStops();
          await dap.dc.pauseRequest({ threadId: 1 });
          const stop = await dap.nextStop(2000); // a hang bound, not the latency (bench/ measures it)
          assert.equal(stop.reason, 'pause', `pause ${i}: ${JSON.stringify(stop)}`);
          const [t] = await dap.threads();
          const [top] = await dap.frames(t.id);
          assert.match(top.name, /^storm_(loop|handler)$/, 'the hart is in the storm');
          const s1 = await reg(top.id, 's1'), s2 = await reg(top.id, 's2');
          // the handler counts every trap; the first round runs before mtvec is watched
          assert.ok(s2 - lastS2 > 10n, `pause ${i}: only ${s2 - lastS2} traps since the last pause`);
          if (kind === 'ecall') assert.ok(s2 - s1 <= 1n && s1 > lastS1, `every trap an ecall round trip (s1 ${s1}, s2 ${s2})`);
          else assert.equal(s1, 0n, 'the pending interrupt never lets S-mode past its first instruction');
          lastS1 = s1; lastS2 = s2;
        }
        assert.equal(dap.stops.filter((s) => s.reason !== 'pause' && s.reason !== 'entry').length, 0, 'no trap reached the user as a stop');
      } finally {
        await dap.stop();
      }
    });
  }
});
