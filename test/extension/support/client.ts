// A small DAP client for the extension's proxy (AdapterProxy) as VS Code would drive it:
// requests with their responses, the messages VS Code would receive, the serial text the router
// sends to the terminal side. Used by test/extension and bench/extension.
import { strict as assert } from 'node:assert';
import type { AdapterProxy } from '../../../extension/src/adapter-host';
import type { SessionRouter } from '../../../extension/src/router';
import type { DapMessage } from '../../../extension/src/wire';

export class Client {
  seq = 1;
  readonly received: DapMessage[] = [];
  serial = '';
  private readonly waiting = new Map<number, (m: DapMessage) => void>();
  constructor(readonly proxy: AdapterProxy, router: SessionRouter) {
    proxy.onDidSendMessage((m) => {
      this.received.push(m);
      if (m.type === 'response') { const w = this.waiting.get(m.request_seq as number); if (w) { this.waiting.delete(m.request_seq as number); w(m); } }
    });
    router.onSerial.event((t) => { this.serial += t; });
  }
  send(command: string, args?: unknown): Promise<DapMessage> {
    const seq = this.seq++;
    const p = new Promise<DapMessage>((resolve) => this.waiting.set(seq, resolve));
    this.proxy.handleMessage({ seq, type: 'request', command, arguments: args });
    return p;
  }
  async ok<T = any>(command: string, args?: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await this.send(command, args);
    assert.ok(r.success, `${command} failed: ${r.message}`);
    return r.body as T;
  }
  async until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}; serial so far:\n${this.serial.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  events(name: string): DapMessage[] { return this.received.filter((m) => m.type === 'event' && m.event === name); }
}
