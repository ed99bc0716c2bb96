// launch.json as users get it wrong: every missing or wrong field is answered with an error
// response that names the field and what it expects (through the adapter process, as VS Code
// shows it), and the adapter keeps serving after each.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseAttachConfig, parseLaunchConfig, parseMemory } from '../../debug-adapter/launch-config';
import { Dap } from './support/dap';

describe('debug adapter: launch and attach configuration', function () {
  this.timeout(60_000);
  let dir: string;
  let kernel: string;
  let dap: Dap;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kwb-dap-config-'));
    kernel = join(dir, 'kernel.elf');
    writeFileSync(kernel, 'not really a kernel');
    writeFileSync(join(dir, 'disk.img'), new Uint8Array(1024));
    mkdirSync(join(dir, 'mods'));
    dap = new Dap();
    await dap.start();
    await dap.dc.initializeRequest({ adapterID: 'kernel', pathFormat: 'path' });
  });
  after(async () => { await dap?.dc.stop(); rmSync(dir, { recursive: true, force: true }); });

  const launchCases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no kernel', {}, /kernel: required: the path of the kernel/],
    ['kernel is a number', { kernel: 42 }, /kernel: expected the path of the kernel, got 42/],
    ['kernel does not exist', { kernel: 'nope.elf' }, /kernel: the kernel '.*nope\.elf' does not exist/],
    ['kernel is a folder', { kernel: '.' }, /kernel: the kernel '.*' is not a regular file/],
    ['memory is true', { memory: true }, /memory: expected a size such as "128M"/],
    ['memory too small', { memory: '1M' }, /memory: expected a size .* got "1M"/],
    ['smp out of range', { smp: 99 }, /smp: expected a whole number from 1 to 8, got 99/],
    ['drives not an array', { drives: 7 }, /drives: expected an array of disk image paths, got 7/],
    ['a drive missing', { drives: ['disk.img', 'missing.img'] }, /drives\[1\]: the disk image '.*missing\.img' does not exist/],
    ['profile unknown', { profile: 'bsd' }, /profile: expected one of "auto", "teaching", "xv6", "linux", "none", got "bsd"/],
    ['stopOnEntry a string', { stopOnEntry: 'yes' }, /stopOnEntry: expected true or false, got "yes"/],
    ['stopAtEntry a number', { stopAtEntry: 1 }, /stopAtEntry: expected true or false, got 1/],
    ['stopAt not a name', { stopAt: 'a b' }, /stopAt: expected a function name, got "a b"/],
    ['gdbPort too big', { gdbPort: 70000 }, /gdbPort: expected a whole number from 0 to 65535, got 70000/],
    ['moduleDirs missing folder', { moduleDirs: ['mods', 'nowhere'] }, /moduleDirs\[1\]: module folder '.*nowhere' does not exist/],
    ['programs a number', { programs: 3 }, /programs: expected a folder or an object/],
    ['programs entry missing', { programs: { sh: 'sh.elf' } }, /programs\.sh: program sh's ELF file '.*sh\.elf' does not exist/],
    ['bios missing', { bios: 'fw.bin' }, /bios: the firmware '.*fw\.bin' does not exist/],
    ['idle unknown', { idle: 'nap' }, /idle: expected one of "sleep", "skip", got "nap"/],
    ['jit a string', { jit: 'off' }, /jit: expected true or false, got "off"/],
    ['process wrong type', { process: true }, /process: expected a process id or a program name, got true/],
    ['kernel not an ELF', {}, /kernel: .*kernel\.elf/],
  ];

  for (const [what, fields, expected] of launchCases) {
    it(`launch: ${what}`, async () => {
      const args = what === 'no kernel' ? { cwd: dir, ...fields } : { cwd: dir, kernel, ...fields };
      const msg = await dap.failing('launch', args);
      assert.match(msg, expected);
      assert.match(msg, /^launch configuration: /);
    });
  }

  it('attach: target missing, malformed, and nobody listening', async () => {
    assert.match(await dap.failing('attach', { cwd: dir }), /attach configuration: target: required: "tcp:HOST:PORT"/);
    assert.match(await dap.failing('attach', { cwd: dir, target: 'serial:/dev/ttyS0' }), /target: expected "tcp:HOST:PORT" .* got "serial:\/dev\/ttyS0"/);
    assert.match(await dap.failing('attach', { cwd: dir, target: 'tcp:127.0.0.1:1' }), /target: cannot attach to 127\.0\.0\.1:1: cannot connect/);
  });

  it('requests before a launch say so, and the adapter still answers', async () => {
    assert.match(await dap.failing('threads', {}), /no kernel is being debugged yet/);
    assert.match(await dap.failing('frobnicate', {}), /unsupported request 'frobnicate'/);
  });

  it('the checks as functions: defaults, cppdbg\'s stopAtEntry, sizes, attach addresses', () => {
    writeFileSync(join(dir, 'elf'), new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    const c = parseLaunchConfig({ cwd: dir, kernel: 'elf', stopAtEntry: true, memory: '256M', drives: 'disk.img' });
    assert.equal(c.stopOnEntry, true);
    assert.equal(c.memoryBytes, 256 << 20);
    assert.equal(c.bios, 'none');
    assert.equal(c.smp, 1);
    assert.equal(c.idle, 'sleep');
    assert.equal(c.drivesWritable, false);
    assert.equal(c.jit, undefined, 'no jit field: the machine\'s default (translated unless KWB_JIT=0)');
    assert.equal(parseLaunchConfig({ cwd: dir, kernel: 'elf', jit: false }).jit, false);
    assert.deepEqual(c.drives, [join(dir, 'disk.img')]);
    assert.equal(parseMemory(64 << 20), 64 << 20);
    assert.equal(parseMemory('1G'), 1 << 30);
    assert.throws(() => parseMemory('12X'), (e: ConfigError) => e.field === 'memory');
    assert.deepEqual(parseAttachConfig({ target: 'tcp::1234' }).target, { host: '127.0.0.1', port: 1234 });
    assert.deepEqual(parseAttachConfig({ target: 'localhost:9' }).target, { host: 'localhost', port: 9 });
    assert.deepEqual(parseAttachConfig({ target: 'tcp::1234', process: 'sh' }).process, { name: 'sh' });
    assert.deepEqual(parseAttachConfig({ target: 'tcp::1234', process: '7' }).process, { pid: 7 });
  });
});
