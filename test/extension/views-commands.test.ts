// The views' and status bar's models from adapter answers and events (extension/src/models.ts),
// the machine commands' wiring (commands.ts), and the manifest (extension/package.json) against
// the adapter's configuration fields and the extension's commands and views.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MACHINE_COMMANDS, SYSRQ_KEYS, monitorLine, readReply } from '../../extension/src/commands';
import { ModulesModel, StatusModel, TasksModel, type TasksBody } from '../../extension/src/models';
import { ATTACH_FIELDS, LAUNCH_FIELDS } from '../../extension/src/config';
import { REPO_ROOT } from '../support/toolchain';
import { SYSRQ_KEYS as MONITOR_SYSRQ_KEYS } from '../../gdbstub/monitor/kernel-commands';

const deadlockBody: TasksBody = {
  awareness: true,
  tasks: [
    { threadId: 1, pid: 1, name: 'init', state: 'sleeping', stateText: 'TASK_SLEEPING', waitChannel: '0x80012340', waitText: '&task_table[0]', waitReason: 'wait', kernelThread: false },
    { threadId: 2, pid: 2, name: 'sh', state: 'running', hart: 0, stateText: 'TASK_RUNNING', kernelThread: false },
    { threadId: 6, pid: 6, name: 'deadlock', state: 'sleeping', waitReason: 'lock account1 (pid 7)', blockedOnHolderPid: 7, waitChannel: '0x80020000', kernelThread: false },
    { threadId: 7, pid: 7, name: 'deadlock', state: 'sleeping', waitReason: 'lock account0', blockedOnHolderPid: 6, kernelThread: false },
    { threadId: 0x400000, pid: 0, name: 'hart0', state: 'runnable', kernelThread: true },
  ],
  deadlocks: [{ pids: [6, 7], threadIds: [6, 7], text: 'deadlock: pid 6 (deadlock) waits for account1 held by pid 7 (deadlock), pid 7 (deadlock) waits for account0 held by pid 6 (deadlock)' }],
};

describe('extension: the Tasks model', () => {
  it('rows from kwb/tasks: pid and name, state with hart, wait reason, holder; the deadlock cycle marked', () => {
    const m = new TasksModel();
    m.update(deadlockBody);
    assert.deepEqual(m.items.map((i) => [i.label, i.description, i.deadlocked]), [
      ['1 init', 'sleeping · wait', false],
      ['2 sh', 'running on hart 0', false],
      ['6 deadlock', 'DEADLOCK · sleeping · lock account1 (pid 7)', true],
      ['7 deadlock', 'DEADLOCK · sleeping · lock account0 · held by pid 6', true],
      ['idle hart0', 'runnable', false],
    ]);
    assert.match(m.items[0].tooltip, /wait channel: 0x80012340 \(&task_table\[0\]\)/);
    assert.match(m.items[2].tooltip, /DEADLOCK/);
    assert.equal(m.message, deadlockBody.deadlocks[0].text);
  });

  it('says why it is empty or stale', () => {
    const m = new TasksModel();
    m.running();
    assert.match(m.message!, /running: tasks are read when it stops/);
    m.update({ awareness: false, reason: 'the kernel \'x.bin\' is not an ELF file', tasks: [], deadlocks: [] });
    assert.equal(m.message, 'No tasks: the kernel \'x.bin\' is not an ELF file');
    m.update(deadlockBody);
    m.running();
    assert.equal(m.isStale, true);
    assert.equal(m.items.length, 5, 'the last stop\'s tasks stay');
    assert.match(m.message!, /last stop/);
    m.failed('no kernel is being debugged yet');
    assert.deepEqual(m.items, []);
    assert.equal(m.message, 'Tasks unavailable: no kernel is being debugged yet');
  });
});

describe('extension: the Modules model', () => {
  it('from the modules response, then module events (new, changed, removed)', () => {
    const m = new ModulesModel();
    m.reset([{ id: 'kernel', name: 'kernel.elf', path: '/k/kernel.elf', symbolStatus: 'Symbols loaded.' }]);
    m.event('new', { id: 'module:hello@0x40000000', name: 'hello', path: '/m/hello.ko', symbolStatus: 'Symbols loaded.', addressRange: '0x40000000-0x40001000' });
    m.event('new', { id: 'module:odd@0x40002000', name: 'odd', symbolStatus: 'No symbols.', addressRange: '0x40002000-0x40002180' });
    assert.deepEqual(m.items.map((i) => [i.label, i.description, i.symbolsLoaded]), [
      ['kernel.elf', 'kernel image · symbols loaded', true],
      ['hello', '0x40000000 · 4.0 KiB · symbols loaded', true],
      ['odd', '0x40002000 · 384 B · No symbols.', false],
    ]);
    assert.match(m.items[1].tooltip, /address: 0x40000000-0x40001000\nsize: 4096 bytes\nfile: \/m\/hello.ko/);
    m.event('changed', { id: 'module:odd@0x40002000', name: 'odd', symbolStatus: 'Symbols loaded.', addressRange: '0x40002000-0x40002180' });
    assert.equal(m.items[2].symbolsLoaded, true);
    m.event('removed', { id: 'module:hello@0x40000000', name: 'hello' });
    assert.deepEqual(m.items.map((i) => i.label), ['kernel.elf', 'odd']);
    m.event('new', { id: 'module:hello@0x40005000', name: 'hello', symbolStatus: 'Symbols loaded.', addressRange: '0x40005000-0x40006000' });
    assert.deepEqual(m.items.map((i) => i.label), ['kernel.elf', 'odd', 'hello'], 'reloaded at a new address');
  });
});

describe('extension: the status bar', () => {
  it('state, instructions per wall second from two samples, virtual seconds, harts', () => {
    const s = new StatusModel();
    assert.equal(s.update({ state: 'running', harts: 2, instructions: '1000000', mtime: '5000000', frequencyHz: 10_000_000 }, 10_000), 'Kernel: running · 0 instr/s · 0.500 s · 2 harts');
    assert.equal(s.update({ state: 'running', harts: 2, instructions: '42300000', mtime: '23500000', frequencyHz: 10_000_000 }, 11_000), 'Kernel: running · 41.3 M instr/s · 2.350 s · 2 harts');
    assert.equal(s.update({ state: 'paused', harts: 1, instructions: '42300000', mtime: '23500000', frequencyHz: 10_000_000 }, 12_000), 'Kernel: paused · 0 instr/s · 2.350 s · 1 hart');
    assert.match(s.tooltip, /instructions retired: 42300000\nvirtual time: 2.350000 s \(mtime 23500000 at 10000000 Hz\)/);
    assert.equal(s.update({ state: 'exited', harts: 1 }, 13_000), 'Kernel: halted · 0 instr/s · 1 hart', 'an attached target without virtual time');
  });
});

describe('extension: machine commands', () => {
  it('each command sends its monitor line; sysrq needs a key from the list', () => {
    const lines = Object.fromEntries(MACHINE_COMMANDS.map((c) => [c.id, monitorLine(c.id, 't')]));
    assert.deepEqual(lines, {
      'kernelWorkbench.stop': 'stop', 'kernelWorkbench.go': 'go', 'kernelWorkbench.halt': 'halt',
      'kernelWorkbench.reboot': 'reboot', 'kernelWorkbench.sysrq': 'sysrq t', 'kernelWorkbench.info': 'info',
    });
    assert.equal(monitorLine('kernelWorkbench.sysrq'), undefined);
    assert.equal(monitorLine('kernelWorkbench.sysrq', 'tt'), undefined);
    assert.equal(monitorLine('kernelWorkbench.nope'), undefined);
    // the QuickPick offers exactly the keys the monitor answers, those that end or reset the machine ask first
    assert.deepEqual(SYSRQ_KEYS.map((k) => k.key), MONITOR_SYSRQ_KEYS.map((k) => k.key));
    assert.deepEqual(SYSRQ_KEYS.filter((k) => k.confirm).map((k) => k.key), ['c', 'b', 'o']);
    assert.equal(new Set(SYSRQ_KEYS.map((k) => k.key)).size, SYSRQ_KEYS.length);
    assert.ok(MACHINE_COMMANDS.filter((c) => c.confirm).map((c) => c.id).sort().join() === 'kernelWorkbench.halt,kernelWorkbench.reboot');
  });

  it('replies: text, a command the machine lacks, a key it lacks, an adapter without the request, an error', () => {
    assert.deepEqual(readReply('info', { text: 'version: x\n' }), { kind: 'ok', text: 'version: x\n' });
    assert.deepEqual(readReply('cad', { text: 'unknown monitor command "cad"; try `monitor help`\n' }), { kind: 'unsupported', message: 'The machine does not support `cad` yet.' });
    assert.deepEqual(readReply('sysrq x', { text: 'sysrq: usage: sysrq KEY, KEY one of: t (every task)\n' }), { kind: 'unsupported', message: 'The machine does not support `sysrq x` yet (usage: sysrq KEY, KEY one of: t (every task)).' });
    assert.equal(readReply('stop', { error: 'unsupported request \'kwb/monitor\'' }).kind, 'unsupported');
    assert.deepEqual(readReply('halt', { error: 'no kernel is being debugged yet' }), { kind: 'error', message: 'no kernel is being debugged yet' });
  });
});

describe('extension: the manifest', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'extension', 'package.json'), 'utf8'));
  const dbg = manifest.contributes.debuggers[0];

  it('documents every launch and attach field, and the adapter reads no field it does not list', () => {
    const launch = dbg.configurationAttributes.launch.properties;
    const attach = dbg.configurationAttributes.attach.properties;
    assert.deepEqual(Object.keys(launch).sort(), [...LAUNCH_FIELDS].sort());
    assert.deepEqual(Object.keys(attach).sort(), [...ATTACH_FIELDS].sort());
    for (const [k, v] of Object.entries({ ...launch, ...attach })) assert.ok(typeof (v as { description?: string }).description === 'string' && (v as { description: string }).description.length > 20, `${k} has a description`);
    // every field name launch-config.ts reads (r.string('x'...), r.file('x'...), raw.x ...)
    const src = readFileSync(join(REPO_ROOT, 'debug-adapter', 'launch-config.ts'), 'utf8');
    const read = new Set<string>();
    for (const m of src.matchAll(/r\.(?:string|bool|int|oneOf|file|folder|stringArray|has|value)\('(\w+)'/g)) read.add(m[1]);
    for (const m of src.matchAll(/raw\.(\w+)/g)) read.add(m[1]);
    assert.ok(read.size >= 15, [...read].join());
    for (const f of read) assert.ok(LAUNCH_FIELDS.includes(f) || ATTACH_FIELDS.includes(f), `launch-config.ts reads "${f}", which the schema lacks`);
    assert.deepEqual(dbg.configurationAttributes.attach.required, ['target']);
    assert.equal(dbg.type, 'kernel');
    assert.equal(dbg.initialConfigurations[0].kernel, 'bundled');
  });

  it('contributes every command the code registers, the views, breakpoints in C, and the adapter setting', () => {
    const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const c of MACHINE_COMMANDS) assert.ok(ids.includes(c.id), c.id);
    const ext = readFileSync(join(REPO_ROOT, 'extension', 'src', 'extension.ts'), 'utf8');
    for (const m of ext.matchAll(/registerCommand\('([\w.]+)'/g)) assert.ok(ids.includes(m[1]), `${m[1]} is contributed`);
    for (const id of ids) assert.ok(ext.includes(`'${id}'`) || MACHINE_COMMANDS.some((c) => c.id === id), `${id} is registered`);
    assert.deepEqual(manifest.contributes.views.debug.map((v: { id: string }) => v.id), ['kernelWorkbench.tasks', 'kernelWorkbench.modules']);
    for (const v of ['kernelWorkbench.tasks', 'kernelWorkbench.modules']) assert.ok(ext.includes(`createTreeView('${v}'`));
    assert.ok(manifest.contributes.breakpoints.some((b: { language: string }) => b.language === 'c'));
    assert.deepEqual(manifest.contributes.configuration.properties['kernelWorkbench.adapter'].enum, ['process', 'inline']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
  });
});
