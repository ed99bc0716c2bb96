// The board's device tree: parsed back by an independent reader (fdt-reader.ts), checked for
// every device of the board table, and compared node by node with the tree QEMU 7.2 itself
// generates for the same board (`-machine virt,dumpdtb=`), the oracle for what OpenSBI and
// Linux expect.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtBuilder, FdtError } from '../../../emulator/board/fdt';
import { buildVirtBoard, VIRT_TABLE, type VirtBoardOptions } from '../../../emulator/board/virt';
import { MemoryBlockBackend } from '../../../emulator/devices/block-backend';
import { baremetalElf } from '../system/baremetal-program';
import { at, cells, strings, walk, parseFdt, type FdtNode } from './fdt-reader';

const env = {
  lines: { setPending() {} },
  clock: { now: () => 0 },
  dma: { dmaRead: () => false, dmaWrite: () => false },
  poweroff() {},
  reboot() {},
};

function board(opts: Partial<VirtBoardOptions> = {}) {
  return buildVirtBoard({ harts: 2, memoryBytes: 128 << 20, resetAddress: 0x8000_0000, bootargs: 'console=ttyS0', ...opts }, env);
}

function qemuDtb(harts: number): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kwb-dtb-'));
  try {
    const file = join(dir, 'q.dtb');
    execFileSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${file}`, '-smp', String(harts), '-m', '128M', '-nographic',
      '-bios', 'none', '-kernel', baremetalElf(), '-append', 'console=ttyS0'], { stdio: 'ignore', timeout: 30_000 });
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const byPhandle = (root: FdtNode) => new Map(walk(root).filter((e) => e.node.props.has('phandle')).map((e) => [cells(e.node.props.get('phandle'))[0], e]));

describe('board: device tree', function () {
  this.timeout(60_000);

  it('is a well-formed FDT (v17, blocks inside totalsize, balanced nodes)', () => {
    const parsed = parseFdt(board().fdt);
    assert.equal(parsed.root.name, '');
    assert.equal(parsed.bootCpu, 0);
    assert.equal(parsed.reservations.length, 0);
  });

  it('has a node for every device of the board table, with its reg and interrupts', () => {
    const b = board();
    const { root } = parseFdt(b.fdt);
    const soc = at(root, '/soc')!;
    for (const row of VIRT_TABLE) {
      const node = soc.children.find((c) => c.name.endsWith(`@${row.base.toString(16)}`));
      assert.ok(node, `no /soc node at 0x${row.base.toString(16)}`);
      assert.deepEqual(cells(node.props.get('reg')), [0, row.base, 0, row.size], node.name);
      if (row.irq !== undefined) assert.deepEqual(cells(node.props.get('interrupts')), [row.irq], node.name);
    }
    assert.equal(soc.children.length, VIRT_TABLE.length);
    assert.equal(b.devices.length, VIRT_TABLE.length);
  });

  it('resolves every phandle reference: interrupt-parent is the PLIC, interrupts-extended name cpu-intc nodes', () => {
    const { root } = parseFdt(board({ harts: 3 }).fdt);
    const handles = byPhandle(root);
    for (const { path, node } of walk(root)) {
      const parent = node.props.get('interrupt-parent');
      if (parent) assert.match(handles.get(cells(parent)[0])!.path, /^\/soc\/plic@c000000$/, path);
      const ext = cells(node.props.get('interrupts-extended'));
      for (let i = 0; i < ext.length; i += 2) {
        const target = handles.get(ext[i]);
        assert.ok(target, `${path}: dangling phandle ${ext[i]}`);
        assert.equal(strings(target.node.props.get('compatible'))[0], 'riscv,cpu-intc', path);
      }
    }
    for (const node of ['/poweroff', '/reboot']) {
      assert.equal(handles.get(cells(at(root, node)!.props.get('regmap'))[0])!.path, '/soc/test@100000', node);
    }
    const plicExt = cells(at(root, '/soc/plic@c000000')!.props.get('interrupts-extended'));
    assert.deepEqual(plicExt.filter((_, i) => i % 2 === 1), [11, 9, 11, 9, 11, 9], 'M then S external per hart');
    assert.deepEqual(plicExt.filter((_, i) => i % 2 === 0).map((p) => handles.get(p)!.path),
      [0, 0, 1, 1, 2, 2].map((h) => `/cpus/cpu@${h}/interrupt-controller`));
  });

  it('puts bootargs, stdout-path and the initrd in /chosen', () => {
    const { root } = parseFdt(board({ bootargs: 'root=/dev/vda rw', initrd: { start: 0x8400_0000, end: 0x8410_0000 } }).fdt);
    const chosen = at(root, '/chosen')!;
    assert.deepEqual(strings(chosen.props.get('bootargs')), ['root=/dev/vda rw']);
    assert.deepEqual(strings(chosen.props.get('stdout-path')), ['/soc/serial@10000000']);
    // one cell each, as QEMU 7.2 writes them
    assert.deepEqual(cells(chosen.props.get('linux,initrd-start')), [0x8400_0000]);
    assert.deepEqual(cells(chosen.props.get('linux,initrd-end')), [0x8410_0000]);
  });

  it('describes memory and harts as asked (mmu-type, the ISA string, timebase 10 MHz)', () => {
    const { root } = parseFdt(board({ harts: 4, memoryBytes: 256 << 20 }).fdt);
    assert.deepEqual(cells(at(root, '/memory@80000000')!.props.get('reg')), [0, 0x8000_0000, 0, 256 << 20]);
    const cpus = at(root, '/cpus')!;
    assert.deepEqual(cells(cpus.props.get('timebase-frequency')), [10_000_000]);
    assert.deepEqual(cpus.children.map((c) => c.name), ['cpu@0', 'cpu@1', 'cpu@2', 'cpu@3', 'cpu-map']);
    for (let h = 0; h < 4; h++) {
      const cpu = at(root, `/cpus/cpu@${h}`)!;
      assert.deepEqual(cells(cpu.props.get('reg')), [h]);
      assert.deepEqual(strings(cpu.props.get('mmu-type')), ['riscv,sv48']);
      assert.match(strings(cpu.props.get('riscv,isa'))[0], /^rv64imafdc_/);
    }
  });

  /** QEMU nodes for devices this board does not have (all else must be in both trees). */
  const QEMU_ONLY = ['/pmu', '/fw-cfg@10100000', '/flash@20000000', '/soc/pci@30000000'];

  for (const harts of [1, 2, 4]) {
    it(`matches QEMU 7.2's own virt tree with -smp ${harts}: the same nodes in the same order, and every property both have`, () => {
      const ours = parseFdt(board({ harts }).fdt).root;
      const qemu = parseFdt(qemuDtb(harts)).root;
      // Properties whose values are allowed to differ: phandle numbering (references are
      // compared by what they resolve to, below), the model string, and what QEMU's harts
      // have beyond ours (riscv,isa: H, Zb*, Zihintpause). mmu-type must match: Linux takes
      // it as the largest mode to use.
      const refs = ['interrupt-parent', 'interrupts-extended', 'regmap', 'cpu'];
      const free = new Set(['phandle', 'model', 'riscv,isa', ...refs]);
      const qemuNodes = new Map(walk(qemu).map((e) => [e.path, e.node]));
      const ourNodes = new Map(walk(ours).map((e) => [e.path, e.node]));
      const ourHandles = byPhandle(ours), qemuHandles = byPhandle(qemu);
      const compared: string[] = [];
      for (const { path, node } of walk(ours)) {
        const q = qemuNodes.get(path);
        assert.ok(q, `QEMU's tree has no ${path}`);
        // Order: our children are QEMU's, in QEMU's order (Linux probes in tree order).
        const prefix = path === '/' ? '/' : `${path}/`;
        assert.deepEqual(node.children.map((c) => c.name), q.children.map((c) => c.name).filter((n) => ourNodes.has(prefix + n)), `children of ${path}`);
        for (const [name, value] of node.props) {
          if (refs.includes(name)) {
            // Every cell that is a phandle resolves to the same path in both trees.
            const resolve = (h: Map<number, { path: string }>, v: Uint8Array) => cells(v).map((c, i) => (name !== 'interrupts-extended' || i % 2 === 0 ? h.get(c)?.path : c));
            assert.deepEqual(resolve(ourHandles, value), resolve(qemuHandles, q.props.get(name)!), `${path} ${name}`);
          }
          if (free.has(name)) continue;
          assert.ok(q.props.has(name), `QEMU's ${path} has no ${name}`);
          assert.deepEqual(value, q.props.get(name), `${path} ${name}`);
          compared.push(`${path}:${name}`);
        }
        for (const name of q.props.keys()) {
          if (!node.props.has(name) && !['rng-seed'].includes(name) && path !== '/') {
            // QEMU-only properties would be something a driver might miss.
            assert.fail(`our ${path} lacks QEMU's ${name}`);
          }
        }
      }
      const missing = [...qemuNodes.keys()].filter((p) => !ourNodes.has(p) && !QEMU_ONLY.some((o) => p === o || p.startsWith(`${o}/`)));
      assert.deepEqual(missing, [], 'QEMU nodes we lack');
      assert.ok(compared.length > 60, `compared ${compared.length} properties`);
    });
  }

  it('the writer refuses malformed trees', () => {
    assert.throws(() => new FdtBuilder().beginNode('x'), FdtError);
    assert.throws(() => new FdtBuilder().u32('p', 1), /outside any node/);
    assert.throws(() => new FdtBuilder().beginNode('').finish(), /still open/);
    assert.throws(() => new FdtBuilder().beginNode('').str('s', 'a\u00e9'), /non-ASCII/);
  });

  it('includes drives only behind their slots and rejects options the board cannot build', () => {
    const b = board({ drives: [new MemoryBlockBackend(new Uint8Array(4096))] });
    const slot0 = b.devices.find((d) => d.base === 0x1000_1000)!.device;
    const slot1 = b.devices.find((d) => d.base === 0x1000_2000)!.device;
    assert.equal(slot0.read(8, 4), 2);
    assert.equal(slot1.read(8, 4), 0);
    assert.throws(() => board({ harts: 0 }), /harts must be/);
    assert.throws(() => board({ memoryBytes: 1000 }), /memory must be/);
    assert.throws(() => board({ drives: Array.from({ length: 9 }, () => new MemoryBlockBackend(new Uint8Array(512))) }), /at most 8 drives/);
    assert.throws(() => board({ fdtAddress: 0x1000 }), /FDT address/);
  });
});
