// The extension host's event loop while the guest runs flat out: the extension's proxy and
// router (what the extension host runs per message) over the adapter in its own process, and,
// for comparison, over the adapter inline in this process (kernelWorkbench.adapter: "inline").
// The teaching kernel runs `spin` (a busy user program) and the shell prints a directory listing
// every 100 ms (serial output through the router to the terminal side) while perf_hooks'
// event-loop delay histogram samples this process (1 ms resolution; the figures are the time
// beyond it, an idle loop reads about 0). Prints p50, p99 and max per mode.
// Usage: npx tsx bench/extension/event-loop.ts [--seconds N]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AdapterProxy, InlineBackend, ProcessBackend, type Backend } from '../../extension/src/adapter-host';
import { SessionRouter } from '../../extension/src/router';
import { KernelDebugSession } from '../../debug-adapter';
import { buildGuestKernel } from '../../test/guest/support/build';
import { adapterBundle } from '../../test/debug-adapter/support/dap';
import { Client } from '../../test/extension/support/client';

const arg = (name: string, dflt: number): number => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt; };
const SECONDS = arg('--seconds', 10);

async function measure(mode: 'process' | 'inline'): Promise<{ p50: number; p99: number; max: number; instructions: number; serialBytes: number }> {
  const build = buildGuestKernel();
  const backend: Backend = mode === 'process'
    ? new ProcessBackend(adapterBundle(), { node: process.execPath })
    : new InlineBackend(() => new KernelDebugSession() as never);
  const router = new SessionRouter({ serialToTerminal: true });
  const proxy = new AdapterProxy(backend, router);
  const c = new Client(proxy, router);
  try {
    await c.ok('initialize', { adapterID: 'kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await c.ok('launch', { kernel: build.kernel, programs: build.userDir, moduleDirs: [build.moduleDir] });
    await c.until('initialized', () => c.events('initialized').length > 0);
    await c.ok('configurationDone');
    await c.until('the shell', () => c.serial.includes('$ '));
    await c.ok('kwb/serialInput', { text: 'spin &\r' });
    await new Promise((r) => setTimeout(r, 300));
    const serialStart = c.serial.length;
    const i0 = Number((await c.ok('kwb/stats')).instructions);
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const typer = setInterval(() => { void c.send('kwb/serialInput', { text: 'ls\r' }); }, 100);
    const poll = setInterval(() => { void c.send('kwb/stats'); }, 1000); // the status bar's poll
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(typer); clearInterval(poll);
    h.disable();
    const i1 = Number((await c.ok('kwb/stats')).instructions);
    const ms = (ns: number): number => Math.max(0, Math.round((ns - 1e6) / 1e4) / 100); // blocked beyond the 1 ms sampling interval
    return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), instructions: i1 - i0, serialBytes: c.serial.length - serialStart };
  } finally {
    await c.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
    proxy.dispose();
    if (backend instanceof ProcessBackend) await backend.exited();
  }
}

(async () => {
  for (const mode of ['process', 'inline'] as const) {
    const r = await measure(mode);
    console.log(`${mode.padEnd(8)} event-loop delay p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms over ${SECONDS} s; guest ${(r.instructions / SECONDS / 1e6).toFixed(1)} M instr/s, ${r.serialBytes} serial bytes routed`);
  }
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
