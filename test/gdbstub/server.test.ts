// The transport: listen addresses, 127.0.0.1 by default, a 0600 Unix socket, one gdb at a
// time, and a machine that survives disconnects (left running or paused as configured) for
// the next gdb. Uses real sockets and our RSP client as the peer.
import { strict as assert } from 'node:assert';
import { mkdtempSync, statSync, existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteTarget } from '../../gdbstub/client/remote-target';
import { GdbServerError } from '../../gdbstub/errors';
import { parseListenAddress } from '../../gdbstub/listen-address';
import { startGdbServer } from '../../gdbstub/server';
import { FakeTarget } from './support/fake-target';
import { latin1 } from '../../gdbstub/rsp/encoding';
import { encodePacket } from '../../gdbstub/rsp/framing';

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const start = Date.now();
  while (!cond()) { if (Date.now() - start > ms) throw new Error('condition not met'); await new Promise((r) => setTimeout(r, 5)); }
};

describe('gdbstub server (transport)', () => {
  it('parses listen addresses and names bad ones', () => {
    assert.deepEqual(parseListenAddress('tcp::1234'), { kind: 'tcp', host: '127.0.0.1', port: 1234 });
    assert.deepEqual(parseListenAddress('tcp:0.0.0.0:1'), { kind: 'tcp', host: '0.0.0.0', port: 1 });
    assert.deepEqual(parseListenAddress(':99'), { kind: 'tcp', host: '127.0.0.1', port: 99 });
    assert.deepEqual(parseListenAddress('4321'), { kind: 'tcp', host: '127.0.0.1', port: 4321 });
    assert.deepEqual(parseListenAddress('unix:/tmp/x.sock'), { kind: 'unix', path: '/tmp/x.sock' });
    for (const bad of ['tcp:', 'tcp::99999', 'unix:', 'tcp:host', 'http://x']) {
      assert.throws(() => parseListenAddress(bad), (e: unknown) => e instanceof GdbServerError && e.message.includes(JSON.stringify(bad)), bad);
    }
  });

  it('binds 127.0.0.1 by default and serves gdb over TCP', async () => {
    const target = new FakeTarget();
    const server = await startGdbServer(target, { listen: 'tcp::0' });
    try {
      assert.match(server.address, /^tcp:127\.0\.0\.1:\d+$/);
      assert.equal(server.listen.kind === 'tcp' && server.listen.host, '127.0.0.1');
      const port = server.listen.kind === 'tcp' ? server.listen.port : 0;
      const client = await RemoteTarget.connect({ host: '127.0.0.1', port });
      assert.equal(client.features.harts, 2);
      assert.equal(await client.readRegister(1, 32), 0x80000100n);
      await client.close();
    } finally { await server.close(); }
  });

  it('listens on a Unix socket created with mode 0600, and removes it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwb-gdb-'));
    const path = join(dir, 'gdb.sock');
    try {
      const server = await startGdbServer(new FakeTarget(), { listen: `unix:${path}` });
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const client = await RemoteTarget.connect({ path });
      assert.deepEqual([...await client.readMemory(0x80000000n, 4, { kind: 'virtual', hart: 0 })], [3, 10, 17, 24]);
      await client.close();
      await server.close();
      assert.ok(!existsSync(path));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('serves one gdb at a time: a second connection is closed at once', async () => {
    const events: string[] = [];
    const server = await startGdbServer(new FakeTarget(), { listen: 'tcp::0', onConnection: (e) => events.push(e) });
    const port = server.listen.kind === 'tcp' ? server.listen.port : 0;
    try {
      const first = await RemoteTarget.connect({ host: '127.0.0.1', port });
      const second = connect(port, '127.0.0.1');
      await new Promise<void>((res) => second.on('close', () => res()));
      assert.deepEqual(events, ['connected', 'refused']);
      assert.equal(await first.readRegister(0, 32), 0x80000000n, 'the first gdb is still served');
      await first.close();
    } finally { await server.close(); }
  });

  it('survives a lost connection: breakpoints removed, machine resumed, the next gdb attaches', async () => {
    const target = new FakeTarget();
    target.runLimit = 1e9;
    const server = await startGdbServer(target, { listen: 'tcp::0' });
    const port = server.listen.kind === 'tcp' ? server.listen.port : 0;
    try {
      const sock = connect(port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.write(encodePacket(latin1.encode('Z0,80000400,4')));
      await until(() => target.breakpoints.size === 1);
      sock.destroy(); // gdb killed: no detach
      await until(() => !server.connected() && target.state() === 'running');
      assert.equal(target.breakpoints.size, 0);
      const again = await RemoteTarget.connect({ host: '127.0.0.1', port });
      assert.equal(target.state(), 'paused', 'the new gdb\'s ? stopped the machine');
      await again.close();
      await until(() => target.state() === 'running');
      await target.pause();
    } finally { await server.close(); }
  });

  it('answers packets that arrive over TCP one byte per segment', async () => {
    const target = new FakeTarget();
    const server = await startGdbServer(target, { listen: 'tcp::0' });
    const port = server.listen.kind === 'tcp' ? server.listen.port : 0;
    try {
      const sock = connect(port, '127.0.0.1');
      sock.setNoDelay(true);
      await new Promise((r) => sock.once('connect', r));
      let got = '';
      sock.on('data', (b: Buffer) => { got += b.toString('latin1'); });
      const wire = encodePacket(latin1.encode('m80000000,4'));
      for (const byte of wire) {
        await new Promise<void>((r) => sock.write(Uint8Array.of(byte), () => r()));
        await new Promise((r) => setTimeout(r, 2));
      }
      await until(() => got.includes('#'));
      assert.equal(got, '+$030a1118#' + ((0x30 * 2 + 0x33 + 0x61 + 0x31 * 3 + 0x38) & 0xff).toString(16));
      sock.destroy();
    } finally { await server.close(); await target.pause(); }
  });

  it('leaves the machine paused after a disconnect when configured so', async () => {
    const target = new FakeTarget();
    const server = await startGdbServer(target, { listen: 'tcp::0', onDisconnect: 'pause' });
    const port = server.listen.kind === 'tcp' ? server.listen.port : 0;
    try {
      const c = await RemoteTarget.connect({ host: '127.0.0.1', port });
      await c.close(true);
      await until(() => !server.connected());
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(target.state(), 'paused');
    } finally { await server.close(); }
  });

  it('reports a port in use as a GdbServerError naming the address', async () => {
    const a = await startGdbServer(new FakeTarget(), { listen: 'tcp::0' });
    try {
      await assert.rejects(startGdbServer(new FakeTarget(), { listen: a.address }), (e: unknown) => e instanceof GdbServerError && /EADDRINUSE/.test(e.message));
    } finally { await a.close(); }
  });

  it('refuses to replace a file that is not a socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kwb-gdb-'));
    try {
      await assert.rejects(startGdbServer(new FakeTarget(), { listen: `unix:${dir}` }), /not a socket/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
