// x/NFU, print's history and formats' errors, info symbol, info line and disassemble on the
// teaching kernel's ELF without a target, against gdb-multiarch reading the same file: the same
// commands in the same order in one gdb session (gdb's memory of the last format, size, count
// and address carries over), each output compared exactly.
import { strict as assert } from 'node:assert';
import { runConsoleCommand } from '../../../debug-adapter/console';
import { buildGuestKernel } from '../../guest/support/build';
import { gdbBatch, staticConsole } from './support';

async function ours(elf: string, commands: string[]): Promise<string[]> {
  const { ctx } = staticConsole(elf);
  const out: string[] = [];
  for (const c of commands) {
    const r = await runConsoleCommand(c, ctx);
    assert.ok(r.handled, `${c}: handled`);
    out.push(r.text);
  }
  return out;
}

async function compare(elf: string, commands: string[]): Promise<void> {
  const want = gdbBatch(elf, commands);
  const got = await ours(elf, commands);
  for (let i = 0; i < commands.length; i++) assert.equal(got[i], want[i], `${commands[i]} (command ${i + 1} of the session)`);
}

describe('debug-adapter console: x, print, info symbol/line, disassemble vs gdb on the static kernel ELF', function () {
  this.timeout(120000);
  let elf: string;
  before(() => { elf = buildGuestKernel().kernel; });

  it('x in every format and size, with gdb\'s remembered format, size, count and next address', async () => {
    await compare(elf, [
      'x/0', 'x/4 0x80007000', 'x/2', 'x/8xw &syscall_table', 'x/4o &syscall_table', 'x/3tb 0x80007000', 'x/3th 0x80007000',
      'x/2dg 0x80031f70', 'x/8cb 0x80007000', 'x/4ub 0x80007000', 'x/2fw &syscall_table', 'x/2fb 0x80007bb0', 'x/2fh 0x80007bb0',
      'x/3f &syscall_table', 'x/3ag &syscall_table', 'x/2s 0x80007000', 'x/2', 'x/2x', 'x/0xw 0x80007000', 'x/2xb',
      'x/-3xw 0x80007010', 'x/2xg 0x80007000', 'x/3', 'x', 'x/2zw 0x80007000', 'x/2ow 0x80031f70', 'x/2tw 0x80031f70',
      'x/2c 0x80007001', 'x/2w', 'x/3', 'x/xw syscall_table', 'x/x syscall_table[1]', 'x/x kexports_start', 'x/3uh 0x80007000',
      'x/a 0x80007b28', 'x/2', 'x/2x', 'x/4cw 0x80007000', 'x/3dh 0x80007000', 'x/3zb 0x80007000', 'x/2ah 0x80007b28',
      'x/s &kernel_symbols', 'x/3i 0x800045a0', 'x/2x', 'x',
    ]);
  });

  it('bad input: unmapped and partly mapped memory, huge counts, garbage letters, bad expressions', async () => {
    await compare(elf, [
      'x/12xb 0x80031f80', 'x', 'x/7xw 0x80031f78', 'x/2xw 0x7fffffff', 'x/99999999xb 0', 'x/s 0', 'x/qw 0x80007000',
      'x/3xq 0x80007000', 'x/q 0', 'x/4xw nosuchsymbol', 'x/x &syscall_table', 'x/y 0x80007000',
    ]);
  });

  it('an expression x cannot read gives the expression engine\'s own error, not one about a cast around it', async () => {
    const { ctx } = staticConsole(elf);
    const r = await runConsoleCommand('x/4xw 1 +', ctx);
    assert.ok(r.handled && r.error);
    assert.doesNotMatch(r.text, /unsigned long/);
  });

  it('print and output: value history ($, $$, $N), format errors', async () => {
    await compare(elf, ['p $', 'p $$', 'p $1', 'output 5', 'p 5', 'p $', 'p $$', 'p $$0', 'p $1', 'p', 'p $7',
      'p/2x 1', 'p/b 1', 'p/i 1', 'p/q 1', 'p nosuchsymbol', 'p sizeof(syscall_table)', 'p syscall_table[1]', 'output syscall_table[1]']);
  });

  it('a bare x or p is a command only once there is something to continue (else the host evaluates a variable named so)', async () => {
    const { ctx } = staticConsole(elf);
    assert.equal((await runConsoleCommand('x', ctx)).handled, false);
    assert.equal((await runConsoleCommand('p', ctx)).handled, false);
    assert.equal((await runConsoleCommand('i', ctx)).handled, false);
    assert.equal((await runConsoleCommand('i + 1', ctx)).handled, false);
    assert.equal((await runConsoleCommand('sizeof x', ctx)).handled, false);
    assert.equal((await runConsoleCommand('  ', ctx)).text, '');
    await runConsoleCommand('x/2xw 0x80007000', ctx);
    await runConsoleCommand('p 7', ctx);
    assert.deepEqual(await runConsoleCommand('x', ctx), { handled: true, text: '0x80007008:\t0x2fa0be83\t0x82fa0be8\n' });
    assert.deepEqual(await runConsoleCommand('p', ctx), { handled: true, text: '$2 = 7\n' });
    const r = await runConsoleCommand('continue 3', ctx);
    assert.ok(r.handled && r.error && /use the debugger's own controls/.test(r.text));
  });

  it('info symbol, info line, disassemble, unknown commands', async () => {
    await compare(elf, ['info symbol 0x80007b30', 'info symbol syscall_table', 'info symbol 0', 'info symbol &syscall_table[2]',
      'info line kernel_main', 'info line syscall.c:121', 'info line syscall.c:1', 'info line syscall.c:9999', 'info line *0x800045a4',
      'info line nosuchfunction', 'disassemble 0x800045a4', 'disassemble 0x800045a0,0x800045a8', 'disassemble 0x800045a0,+6',
      'foo bar', 'info foo']);
  });
});
