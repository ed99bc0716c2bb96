// Would WebAssembly blocks pay? (issue 15: "JavaScript functions, or WebAssembly if your
// measurements show it wins".) One guest loop, the inner scan of quicksort (`ld a5, 0(a4);
// addi a4, a4, 8; bltu a5, a3, loop`, M-mode, RAM at 0x80000000), compiled two ways and run
// over the same 32 MiB of guest RAM:
// - as the translator writes it today: a JavaScript function, registers as int32 pairs in
//   locals, addresses as doubles, RAM through typed arrays (emulator/cpu/jit/emit.ts's shape);
// - as a WebAssembly module whose memory holds the guest RAM and the registers (i64 words at a
//   fixed address, the layout of the hart's `x` array read as little-endian i64), registers in
//   i64 locals, built by the small encoder below.
// Prints the time to compile and instantiate one such module (V8 compiles it with Liftoff
// first, TurboFan later for hot code), the cost of a call from JavaScript into it, and both
// loops' speed in guest MIPS (they must end with the same count and registers).
// Usage: npx tsx bench/emulator/wasm-probe.ts; for Liftoff's code alone, bundle it (esbuild) and
// run `node --liftoff-only build/bench/wasm-probe.js`.

const RAM = 32 << 20;
const RAM_BASE = 0x80000000;
const PAGES = RAM / 65536 + 1;
/** Registers x0..x31 as i64, right after RAM. */
const REGS = RAM;

// ---- a minimal WebAssembly encoder (the binary format, WebAssembly core spec chapter 5)
const uleb = (v: number): number[] => { const o: number[] = []; do { let b = v & 0x7f; v >>>= 7; if (v !== 0) b |= 0x80; o.push(b); } while (v !== 0); return o; };
const sleb = (v: bigint): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn); v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { o.push(b); return o; }
    o.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const I32 = 0x7f, I64 = 0x7e;
const op = {
  localGet: (i: number) => [0x20, ...uleb(i)], localSet: (i: number) => [0x21, ...uleb(i)],
  i64Load: (offset: number) => [0x29, 3, ...uleb(offset)], i64Store: (offset: number) => [0x37, 3, ...uleb(offset)],
  i32Const: (v: number) => [0x41, ...sleb(BigInt(v))], i64Const: (v: bigint) => [0x42, ...sleb(v)],
  i64Add: [0x7c], i64Sub: [0x7d], i32Add: [0x6a], i32WrapI64: [0xa7], i64LtU: [0x54], i32LeS: [0x4c], i32And: [0x71],
  loop: [0x03, 0x40], brIf: (d: number) => [0x0d, ...uleb(d)], end: [0x0b],
};

/** The module: (import "e" "mem" memory), export "scan": (n, budget) -> n, and "nop": n -> n + 1. */
function scanModule(ramBase: number): ArrayBuffer {
  const N = 0, BUDGET = 1, A4 = 2, A3 = 3, A5 = 4; // params, then i64 locals
  const scan = [
    ...vec([[1, I64], [1, I64], [1, I64]].map(([c, t]) => [c, t])),
    ...op.i32Const(REGS + 8 * 14), ...op.i64Load(0), ...op.localSet(A4),
    ...op.i32Const(REGS + 8 * 13), ...op.i64Load(0), ...op.localSet(A3),
    ...op.loop,
    ...op.localGet(A4), ...op.i64Const(BigInt(ramBase)), ...op.i64Sub, ...op.i32WrapI64, ...op.i64Load(0), ...op.localSet(A5),
    ...op.localGet(A4), ...op.i64Const(8n), ...op.i64Add, ...op.localSet(A4),
    ...op.localGet(N), ...op.i32Const(3), ...op.i32Add, ...op.localSet(N),
    ...op.localGet(A5), ...op.localGet(A3), ...op.i64LtU,
    ...op.localGet(N), ...op.i32Const(3), ...op.i32Add, ...op.localGet(BUDGET), ...op.i32LeS, ...op.i32And,
    ...op.brIf(0), ...op.end,
    ...op.i32Const(REGS + 8 * 14), ...op.localGet(A4), ...op.i64Store(0),
    ...op.i32Const(REGS + 8 * 15), ...op.localGet(A5), ...op.i64Store(0),
    ...op.localGet(N), ...op.end,
  ];
  const nop = [...vec([]), ...op.localGet(0), ...op.i32Const(1), ...op.i32Add, ...op.end];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, ...vec([[I32], [I32]]), ...vec([[I32]])], [0x60, ...vec([[I32]]), ...vec([[I32]])]])),
    ...section(2, vec([[...str('e'), ...str('mem'), 0x02, 0x01, ...uleb(PAGES), ...uleb(PAGES)]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...str('scan'), 0x00, 0], [...str('nop'), 0x00, 1]])),
    ...section(10, vec([[...uleb(scan.length), ...scan], [...uleb(nop.length), ...nop]])),
  ];
  return new Uint8Array(bytes).buffer;
}

const mem = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
const ram32 = new Int32Array(mem.buffer);
const regs64 = new BigInt64Array(mem.buffer, REGS, 32);
const words = RAM / 8;
for (let i = 0; i < words; i++) { ram32[2 * i] = i; ram32[2 * i + 1] = 0; } // ascending keys: one long scan

// compile + instantiate: distinct modules (a different RAM base constant each, so no cache helps)
const COUNT = 300;
const modules = Array.from({ length: COUNT }, (_, k) => scanModule(RAM_BASE + k * 8));
let t = performance.now();
const instances = modules.map((b) => new WebAssembly.Instance(new WebAssembly.Module(b), { e: { mem } }));
const compileUs = (performance.now() - t) / COUNT * 1000;
const { scan, nop } = instances[0].exports as { scan: (n: number, budget: number) => number; nop: (n: number) => number };

let n = 0;
t = performance.now();
for (let i = 0; i < 1e7; i++) n = nop(n);
const callNs = (performance.now() - t) / 1e7 * 1e6;

const budget = 3 * words - 3;
const runWasm = () => { regs64[14] = BigInt(RAM_BASE); regs64[13] = 1n << 40n; return scan(0, budget); };
// The same loop in the translator's JavaScript shape (x[26..31]: a3, a4, a5 as lo/hi words).
const x = new Int32Array(64);
function jsBlock(xr: Int32Array, steps: number, limit: number): number {
  let r26 = xr[26], r27 = xr[27], r28 = xr[28], r29 = xr[29], r30 = xr[30], r31 = xr[31];
  for (;;) {
    const va = r29 * 4294967296 + (r28 >>> 0); const off = va - RAM_BASE;
    if (!(off >= 0 && off < RAM && (off & 7) === 0)) break;
    r30 = ram32[off >> 2]; r31 = ram32[(off >> 2) + 1];
    const l = (r28 + 8) | 0; r29 = (r29 + ((l >>> 0) < (r28 >>> 0) ? 1 : 0)) | 0; r28 = l;
    steps += 3;
    if (!((r31 >>> 0) < (r27 >>> 0) || (r31 === r27 && (r30 >>> 0) < (r26 >>> 0)))) break;
    if (steps + 3 > limit) break;
  }
  xr[28] = r28; xr[29] = r29; xr[30] = r30; xr[31] = r31;
  return steps;
}
const runJs = () => { x[28] = RAM_BASE | 0; x[29] = 0; x[26] = 0; x[27] = 256; return jsBlock(x, 0, budget); };

/** Median MIPS over ROUNDS runs of each loop, the two interleaved (the machine's load drifts). */
const ROUNDS = 15;
function measure(): { wasm: number; js: number; steps: number } {
  runWasm(); runWasm(); runJs(); runJs(); // warm: V8 optimises both tiers' hot code
  const w: number[] = [], j: number[] = [];
  let steps = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    const sw = runWasm();
    w.push(sw / (performance.now() - t0) / 1000);
    t0 = performance.now();
    const sj = runJs();
    j.push(sj / (performance.now() - t0) / 1000);
    if (sw !== sj) throw new Error(`the two loops ran different counts: wasm ${sw}, js ${sj}`);
    steps = sw;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { wasm: median(w), js: median(j), steps };
}
const m = measure();
if (regs64[15] !== BigInt(x[30] >>> 0) + (BigInt(x[31] >>> 0) << 32n)) throw new Error('the two loops ended with different a5');
console.log(`node ${process.version}, flags: ${process.execArgv.join(' ') || '(none)'}`);
console.log(`WebAssembly module compile + instantiate: ${compileUs.toFixed(0)} us per block module (${COUNT} distinct modules)`);
console.log(`call from JavaScript into WebAssembly: ${callNs.toFixed(1)} ns`);
console.log(`scan loop, ${m.steps} instructions a run, median of ${ROUNDS}: WebAssembly ${m.wasm.toFixed(0)} MIPS, JavaScript (the translator's shape) ${m.js.toFixed(0)} MIPS: ${(m.wasm / m.js).toFixed(1)}x`);
