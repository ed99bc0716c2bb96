// The router between VS Code and the adapter (extension/src/router.ts) and the DAP framing
// (wire.ts): serial output routing, Debug Console monitor lines, source maps, machine state,
// the Tasks view's focus event.
import { strict as assert } from 'node:assert';
import { SessionRouter, SourceMap } from '../../extension/src/router';
import { encodeMessage, MessageReader, type DapMessage } from '../../extension/src/wire';

const ev = (event: string, body: unknown): DapMessage => ({ seq: 1, type: 'event', event, body });

describe('extension: router', () => {
  it('serial output (stdout) goes to the terminal side; other output stays in the Debug Console; off when asked', () => {
    const r = new SessionRouter({ serialToTerminal: true });
    const got: string[] = [];
    r.onSerial.event((t) => got.push(t));
    assert.equal(r.fromAdapter(ev('output', { category: 'stdout', output: '$ ' })), undefined);
    const console = ev('output', { category: 'console', output: 'gdb stub listening\n' });
    assert.equal(r.fromAdapter(console), console);
    assert.deepEqual(got, ['$ ']);
    const off = new SessionRouter({ serialToTerminal: false });
    const m = ev('output', { category: 'stdout', output: 'x' });
    assert.equal(off.fromAdapter(m), m);
  });

  it('`monitor ...` in the Debug Console becomes kwb/monitor and its answer an evaluate result', () => {
    const r = new SessionRouter({ serialToTerminal: true });
    const out = r.toAdapter({ seq: 7, type: 'request', command: 'evaluate', arguments: { expression: '  monitor  sysrq t ', context: 'repl', frameId: 3 } });
    assert.deepEqual(out, { seq: 7, type: 'request', command: 'kwb/monitor', arguments: { command: 'sysrq t' } });
    const bare = r.toAdapter({ seq: 8, type: 'request', command: 'evaluate', arguments: { expression: 'monitor', context: 'repl' } });
    assert.deepEqual(bare?.arguments, { command: 'help' });
    const ans = r.fromAdapter({ seq: 20, type: 'response', request_seq: 7, command: 'kwb/monitor', success: true, body: { text: 'pid 1 (init)\n' } });
    assert.deepEqual(ans, { seq: 20, type: 'response', request_seq: 7, command: 'evaluate', success: true, body: { result: 'pid 1 (init)', variablesReference: 0 } });
    const err = r.fromAdapter({ seq: 21, type: 'response', request_seq: 8, command: 'kwb/monitor', success: false, message: 'no kernel yet' });
    assert.equal(err?.command, 'evaluate');
    assert.equal(err?.success, false);
    // not the Debug Console, or a C expression named monitor_x: left alone
    const hover = { seq: 9, type: 'request', command: 'evaluate', arguments: { expression: 'monitor ps', context: 'hover' } };
    assert.equal(r.toAdapter(hover), hover);
    const expr = { seq: 10, type: 'request', command: 'evaluate', arguments: { expression: 'monitor_count', context: 'repl' } };
    assert.equal(r.toAdapter(expr), expr);
    const later = { seq: 30, type: 'response', request_seq: 7, command: 'threads', success: true, body: {} };
    assert.equal(r.fromAdapter(later), later, 'a request seq is rewritten once');
  });

  it('failures of the extension\'s own kwb/* requests are not shown to the user by VS Code; others are', () => {
    const r = new SessionRouter({ serialToTerminal: true });
    const body = { error: { id: 1, format: 'no kernel is being debugged yet', showUser: true } };
    const own = r.fromAdapter({ seq: 1, type: 'response', request_seq: 3, command: 'kwb/stats', success: false, message: 'no kernel', body });
    assert.equal((own?.body as typeof body).error.showUser, false);
    assert.equal((own?.body as typeof body).error.format, 'no kernel is being debugged yet');
    assert.equal(body.error.showUser, true, 'the adapter\'s message object is not changed in place');
    const theirs = { seq: 2, type: 'response', request_seq: 4, command: 'pause', success: false, message: 'x', body };
    assert.equal(r.fromAdapter(theirs), theirs);
  });

  it('sourceFileMap: frames and breakpoints shown locally, breakpoints sent as the debug information names them', () => {
    const r = new SessionRouter({ serialToTerminal: true });
    r.toAdapter({ seq: 1, type: 'request', command: 'launch', arguments: { kernel: 'k', sourceFileMap: { '/ci/guest/': '/home/me/guest', '/ci/guest/kernel': '/elsewhere/k' } } });
    const st = r.fromAdapter({ seq: 2, type: 'response', request_seq: 5, command: 'stackTrace', success: true, body: { stackFrames: [
      { id: 1, name: 'sys_write', source: { name: 'file.c', path: '/ci/guest/kernel/file.c' } },
      { id: 2, name: 'main', source: { name: 'hello.c', path: '/ci/guest/user/hello.c' } },
      { id: 3, name: 'x', source: { name: 'a.c', path: '/ci/guest2/a.c' } },
    ] } });
    const paths = (st?.body as { stackFrames: Array<{ source: { path: string } }> }).stackFrames.map((f) => f.source.path);
    assert.deepEqual(paths, ['/elsewhere/k/file.c', '/home/me/guest/user/hello.c', '/ci/guest2/a.c'], 'longest prefix first; a longer folder name is not a match');
    const ls = r.fromAdapter({ seq: 3, type: 'response', request_seq: 6, command: 'loadedSources', success: true, body: { sources: [{ name: 'main.c', path: '/ci/guest/user/sh.c' }] } });
    assert.equal((ls?.body as { sources: Array<{ path: string }> }).sources[0].path, '/home/me/guest/user/sh.c');
    const bpEv = r.fromAdapter(ev('breakpoint', { reason: 'changed', breakpoint: { id: 1, verified: true, source: { path: '/ci/guest/modules/hello.c' }, line: 9 } }));
    assert.equal((bpEv?.body as { breakpoint: { source: { path: string } } }).breakpoint.source.path, '/home/me/guest/modules/hello.c');
    const req = { seq: 4, type: 'request', command: 'setBreakpoints', arguments: { source: { path: '/home/me/guest/kernel/../user/sh.c' }, breakpoints: [{ line: 3 }] } };
    const sent = r.toAdapter(req);
    assert.equal((sent?.arguments as { source: { path: string } }).source.path, '/ci/guest/kernel/../user/sh.c');
    assert.equal((req.arguments.source.path), '/home/me/guest/kernel/../user/sh.c', 'VS Code\'s message is not changed in place');
    const m = new SourceMap({ '/a': '/b' });
    assert.equal(m.toLocal('/a'), '/b');
    assert.equal(m.toBuild('/b/x.c'), '/a/x.c');
    assert.equal(new SourceMap({ '': '/x', '/y': 3 as unknown as string }).empty, true, 'empty and non-string entries are ignored');
  });

  it('machine state from events; the focus event only while paused; the end announced once', () => {
    const r = new SessionRouter({ serialToTerminal: true });
    const seen: string[] = [];
    r.onStopped.event((s) => seen.push(`stopped ${s.threadId} ${s.reason}`));
    r.onContinued.event(() => seen.push('continued'));
    r.onModule.event((m) => seen.push(`module ${m.reason} ${m.module.name}`));
    r.onEnded.event(() => seen.push('ended'));
    r.onStarted.event((k) => seen.push(`started ${k}`));
    r.fromAdapter({ seq: 1, type: 'response', request_seq: 1, command: 'launch', success: false, message: 'kernel: nope' });
    r.fromAdapter({ seq: 2, type: 'response', request_seq: 2, command: 'launch', success: true });
    assert.equal(r.state, 'starting');
    assert.equal(r.focusEvent(3), undefined);
    r.fromAdapter(ev('stopped', { reason: 'breakpoint', threadId: 2, allThreadsStopped: true }));
    assert.equal(r.state, 'paused');
    assert.deepEqual(r.focusEvent(3), { seq: 0, type: 'event', event: 'stopped', body: { reason: 'pause', description: 'Selected in the Tasks view', threadId: 3, allThreadsStopped: true, preserveFocusHint: false } });
    r.fromAdapter(ev('continued', { threadId: 2, allThreadsContinued: true }));
    assert.equal(r.state, 'running');
    assert.equal(r.focusEvent(3), undefined);
    r.fromAdapter(ev('module', { reason: 'new', module: { id: 'module:hello@0x40000000', name: 'hello' } }));
    r.fromAdapter(ev('exited', { exitCode: 0 }));
    r.fromAdapter(ev('terminated', {}));
    assert.deepEqual(r.adapterGone('late'), [], 'an adapter ending after the session ended says nothing');
    assert.deepEqual(seen, ['started launch', 'stopped 2 breakpoint', 'continued', 'module new hello', 'ended']);
  });
});

describe('extension: DAP framing', () => {
  it('reads messages split anywhere, several per chunk, with multi-byte text', () => {
    const got: DapMessage[] = [];
    const errors: string[] = [];
    const rd = new MessageReader((m) => got.push(m), (e) => errors.push(e));
    const a = encodeMessage({ seq: 1, type: 'event', event: 'output', body: { output: 'héllo ✓\n' } });
    const b = encodeMessage({ seq: 2, type: 'response', request_seq: 1, success: true });
    const all = Buffer.concat([a, b, a]);
    for (let i = 0; i < all.length; i += 7) rd.feed(all.subarray(i, i + 7));
    assert.deepEqual(got.map((m) => m.seq), [1, 2, 1]);
    assert.equal((got[0].body as { output: string }).output, 'héllo ✓\n');
    assert.deepEqual(errors, []);
  });

  it('bytes that are not DAP are reported and skipped, never thrown', () => {
    const got: DapMessage[] = [];
    const errors: string[] = [];
    const rd = new MessageReader((m) => got.push(m), (e) => errors.push(e));
    rd.feed(Buffer.from('garbage line\r\n\r\n'));
    rd.feed(Buffer.from('Content-Length: 5\r\n\r\n{oops'));
    rd.feed(Buffer.from('Content-Length: 2\r\n\r\n[]'));
    rd.feed(encodeMessage({ seq: 3, type: 'event', event: 'x' }));
    rd.feed(Buffer.alloc(3000, 0x41));
    rd.feed(encodeMessage({ seq: 4, type: 'event', event: 'y' }));
    assert.deepEqual(got.map((m) => m.seq), [3, 4]);
    assert.equal(errors.length, 4, errors.join('\n'));
    assert.match(errors[0], /without Content-Length/);
    assert.match(errors[1], /not JSON/);
    assert.match(errors[2], /without a "type"/);
  });
});
