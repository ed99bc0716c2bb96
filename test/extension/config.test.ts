// The extension's launch configurations (extension/src/config.ts): F5 with no launch.json, the
// bundled kernel's paths, and the checks before the adapter starts, each naming the wrong field.
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED, bundleAt, checkConfiguration, fillDefaults, initialConfiguration, type RawConfig } from '../../extension/src/config';
import { buildGuestKernel, GUEST_DIR, type GuestBuild } from '../guest/support/build';
import { CACHE_DIR } from '../support/toolchain';

describe('extension: configuration resolution and validation', () => {
  let build: GuestBuild;
  const dir = join(CACHE_DIR, 'extension-config');
  const garbage = join(dir, 'garbage.img');
  before(function () {
    this.timeout(300_000);
    build = buildGuestKernel();
    mkdirSync(dir, { recursive: true });
    writeFileSync(garbage, Buffer.from('not a disk, not an ELF'));
  });

  const bundle = bundleAt('/ext', '/ci/checkout/guest');

  it('F5 with no launch.json: the empty configuration becomes the bundled teaching kernel', () => {
    const c = fillDefaults({}, bundle, '/home/me/empty');
    assert.equal(c.type, 'kernel');
    assert.equal(c.request, 'launch');
    assert.equal(c.name, 'Teaching kernel (bundled)');
    assert.equal(c.kernel, '/ext/dist/guest/kernel.elf');
    assert.equal(c.programs, '/ext/dist/guest/user');
    assert.deepEqual(c.moduleDirs, ['/ext/dist/guest/modules']);
    assert.equal(c.profile, 'teaching');
    assert.equal(c.cwd, '/home/me/empty');
    // a folder that is not the teaching kernel's: its sources are the bundled ones
    assert.deepEqual(c.sourceFileMap, { '/ci/checkout/guest': '/ext/dist/guest/src' });
    assert.deepEqual(initialConfiguration(), { type: 'kernel', request: 'launch', name: 'Teaching kernel (bundled)', kernel: BUNDLED, stopOnEntry: false });
  });

  it('"kernel": "bundled" (or none) in a launch.json; the teaching kernel\'s own folder gets the source map to itself', () => {
    const c = fillDefaults({ type: 'kernel', request: 'launch', name: 'x', kernel: 'bundled', smp: 2, programs: '/mine' }, bundle, GUEST_DIR);
    assert.equal(c.kernel, '/ext/dist/guest/kernel.elf');
    assert.equal(c.programs, '/mine', 'what the user gave stays');
    assert.equal(c.smp, 2);
    assert.deepEqual(c.sourceFileMap, { '/ci/checkout/guest': GUEST_DIR });
    const own = fillDefaults({ type: 'kernel', request: 'launch', name: 'x', kernel: '/k.elf' }, bundle, GUEST_DIR);
    assert.equal(own.kernel, '/k.elf');
    assert.equal(own.programs, undefined, 'no bundled defaults for a kernel of ones own');
    assert.equal(own.sourceFileMap, undefined);
    const same = fillDefaults({}, bundleAt('/ext', GUEST_DIR), GUEST_DIR);
    assert.equal(same.sourceFileMap, undefined, 'built where it is opened: nothing to map');
    const attach = fillDefaults({ type: 'kernel', request: 'attach', name: 'a', target: 'tcp::1234' }, bundle, '/w');
    assert.equal(attach.kernel, undefined);
    // an attach to a kwb --gdb or QEMU running the bundled teaching kernel: "kernel": "bundled" fills in its paths
    const attachBundled = fillDefaults({ type: 'kernel', request: 'attach', name: 'a', target: 'tcp::1234', kernel: 'bundled' }, bundle, '/w');
    assert.equal(attachBundled.kernel, '/ext/dist/guest/kernel.elf');
    assert.equal(attachBundled.profile, 'teaching');
    assert.ok(attachBundled.programs && attachBundled.moduleDirs, 'programs and modules as for a launch');
  });

  it('a good launch and a good attach pass', () => {
    const launch = checkConfiguration({ type: 'kernel', request: 'launch', name: 'ok', kernel: build.kernel, programs: build.userDir, moduleDirs: [build.moduleDir], smp: 2, memory: '128M', stopAt: 'kernel_main', sourceFileMap: { '/a': '/b' }, serialTerminal: true, preLaunchTask: 'make', __configurationTarget: 5 });
    assert.ok(launch.ok, JSON.stringify(launch));
    const attach = checkConfiguration({ type: 'kernel', request: 'attach', name: 'ok', target: 'tcp:127.0.0.1:1234', kernel: build.kernel });
    assert.ok(attach.ok, JSON.stringify(attach));
  });

  const cases: Array<[string, () => RawConfig, string, RegExp]> = [
    ['no request', () => ({ type: 'kernel', name: 'x', kernel: build.kernel }), 'request', /^request: expected "launch" or "attach", got nothing/],
    ['a misspelt field', () => ({ type: 'kernel', request: 'launch', name: 'x', kernal: build.kernel }), 'kernal', /^kernal: not a field of a kernel launch configuration \(did you mean "kernel"\?\)/],
    ['an attach field in a launch', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, target: 'tcp::1' }), 'target', /a field of "attach" configurations/],
    ['a launch field in an attach', () => ({ type: 'kernel', request: 'attach', name: 'x', target: 'tcp::1234', smp: 2 }), 'smp', /a field of "launch" configurations/],
    ['a missing kernel', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: join(dir, 'nope.elf') }), 'kernel', /^kernel: the kernel '.*nope\.elf' does not exist/],
    ['no kernel at all', () => ({ type: 'kernel', request: 'launch', name: 'x' }), 'kernel', /^kernel: required/],
    ['a non-RISC-V ELF', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: process.execPath }), 'kernel', /^kernel: '.*' is an ELF file for (x86-64|AArch64), not RISC-V/],
    ['non-RISC-V symbols', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, symbols: process.execPath }), 'symbols', /^symbols: .* not RISC-V/],
    ['a missing disk image', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, drives: [join(dir, 'none.img')] }), 'drives[0]', /^drives\[0\]: the disk image .* does not exist/],
    ['a folder as a disk image', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, drives: [garbage, dir] }), 'drives[1]', /is not a regular file/],
    ['a bad memory size', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, memory: 'lots' }), 'memory', /^memory: expected a size such as "128M"/],
    ['too many harts', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, smp: 64 }), 'smp', /^smp: expected a whole number from 1 to 8, got 64/],
    ['an unknown profile', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, profile: 'windows' }), 'profile', /^profile: expected one of "auto"/],
    ['a missing programs folder', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, programs: join(dir, 'nothing') }), 'programs', /^programs: the programs folder .* does not exist/],
    ['a bad module folder', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, moduleDirs: [build.kernel] }), 'moduleDirs[0]', /is not a folder/],
    ['a bad gdbPort', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, gdbPort: 70000 }), 'gdbPort', /^gdbPort: expected a whole number from 0 to 65535/],
    ['a bad stopAt', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, stopAt: 'not a name()' }), 'stopAt', /^stopAt: expected a function name/],
    ['a bad idle', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, idle: 'spin' }), 'idle', /^idle: expected one of "sleep", "skip"/],
    ['a bad stopOnEntry', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, stopOnEntry: 'yes' }), 'stopOnEntry', /^stopOnEntry: expected true or false/],
    ['a bad sourceFileMap', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, sourceFileMap: ['/a'] }), 'sourceFileMap', /^sourceFileMap: expected an object/],
    ['a bad serialTerminal', () => ({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, serialTerminal: 'no' }), 'serialTerminal', /^serialTerminal: expected true or false/],
    ['a wrong attach address', () => ({ type: 'kernel', request: 'attach', name: 'x', target: 'localhost' }), 'target', /^target: expected "tcp:HOST:PORT"/],
    ['a port out of range', () => ({ type: 'kernel', request: 'attach', name: 'x', target: 'tcp:127.0.0.1:99999' }), 'target', /^target: expected/],
    ['no attach target', () => ({ type: 'kernel', request: 'attach', name: 'x' }), 'target', /^target: required/],
    ['a bad process', () => ({ type: 'kernel', request: 'attach', name: 'x', target: 'tcp::1234', process: -3 }), 'process', /^process: expected a process id or a program name/],
  ];
  for (const [what, config, field, message] of cases) {
    it(`${what}: names "${field}"`, () => {
      const r = checkConfiguration(config());
      assert.equal(r.ok, false, `${what} passed`);
      if (r.ok) return;
      assert.equal(r.field, field);
      assert.match(r.message, message);
    });
  }

  it('a garbage disk image passes the configuration check (it is a file); the adapter refuses it at launch', () => {
    const r = checkConfiguration({ type: 'kernel', request: 'launch', name: 'x', kernel: build.kernel, drives: [garbage] });
    assert.ok(r.ok);
  });
});
