// Drives a StubSession with bytes, without sockets: send() frames a packet (or raw bytes),
// replies() decodes what the stub wrote back. For packet, fuzz and framing tests.
import { StubHost, type StubHostOptions } from '../../../gdbstub/host';
import type { MachineControl } from '../../../gdbstub/machine-control';
import type { StubSession } from '../../../gdbstub/session';
import { latin1 } from '../../../gdbstub/rsp/encoding';
import { encodePacket, FrameDecoder, type FrameEvent } from '../../../gdbstub/rsp/framing';
import { FakeTarget } from './fake-target';

export class StubHarness {
  readonly target: FakeTarget;
  readonly host: StubHost;
  readonly session: StubSession;
  readonly out: Uint8Array[] = [];
  ended = false;
  private readonly decoder = new FrameDecoder({ runLength: true, maxPacket: 1 << 20 });
  private events: FrameEvent[] = [];

  constructor(opts: StubHostOptions = {}, control: MachineControl = {}, target = new FakeTarget()) {
    this.target = target;
    this.host = new StubHost(target, control, opts);
    this.session = this.host.openSession({
      write: (b) => { this.out.push(b.slice()); this.events.push(...this.decoder.feed(b)); },
      end: () => { this.ended = true; },
    });
  }

  /** Sends a packet (framed) and waits until the stub has handled everything queued. */
  async packet(text: string): Promise<string[]> {
    this.raw(encodePacket(latin1.encode(text)));
    return this.settle();
  }

  /** Sends one packet and returns its single reply (ignoring acks and O packets). */
  async ask(text: string): Promise<string> {
    const replies = (await this.packet(text)).filter((r) => !/^O[0-9a-f]+$/.test(r) || r === 'OK');
    if (replies.length !== 1) throw new Error(`expected one reply to ${text}, got ${JSON.stringify(replies)}`);
    return replies[0];
  }

  raw(bytes: Uint8Array | string): void {
    this.session.receive(typeof bytes === 'string' ? latin1.encode(bytes) : bytes);
  }

  /** Lets queued handlers run (a few macrotasks), then returns the packets the stub sent since the last call. */
  async settle(rounds = 20): Promise<string[]> {
    for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
    return this.takePackets();
  }

  takePackets(): string[] {
    const pk = this.events.filter((e) => e.kind === 'packet').map((e) => latin1.decode((e as { payload: Uint8Array }).payload));
    this.events = this.events.filter((e) => e.kind !== 'packet');
    return pk;
  }

  /** Frame events other than packets (acks, naks) since the last call. */
  takeOther(): FrameEvent[] {
    const o = this.events.filter((e) => e.kind !== 'packet');
    this.events = this.events.filter((e) => e.kind === 'packet');
    return o;
  }

  /** Waits until a packet arrives (for stop replies after continue). */
  async waitPacket(timeoutMs = 10000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const p = this.takePackets();
      if (p.length) return p[0];
      if (Date.now() - start > timeoutMs) throw new Error('no packet from the stub');
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}
