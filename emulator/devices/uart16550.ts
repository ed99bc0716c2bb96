// NS16550A UART (the register set of the National/TI PC16550D data sheet) as QEMU's virt board
// has it at 0x1000_0000, IRQ 10, registers one byte apart (reg-shift 0).
//   0 RBR (read) / THR (write) / DLL (LCR.DLAB = 1)    4 MCR
//   1 IER / DLM (DLAB = 1)                              5 LSR (read-only)
//   2 IIR (read) / FCR (write)                          6 MSR (read-only)
//   3 LCR                                               7 SCR
// Transmission is instantaneous: THR goes straight to the SerialHost, so LSR.THRE/TEMT are
// always set and the THR-empty interrupt is re-armed after every write (as in QEMU). Received
// bytes wait in a host-side queue and enter the 16-byte receive FIFO (one holding byte when
// FIFOs are off) as the guest drains it, so nothing typed is lost. Received-data interrupts
// follow the FCR trigger level; data below the trigger level is reported at once as a
// character timeout (IIR 0xC) instead of after four character times, to stay time-free.
// Loopback (MCR bit 4) is not modelled.
// A BREAK from the host (sendBreak) arrives as the data sheet describes one: a zero character
// in the FIFO that carries the break flag. When it reaches the top of the FIFO, LSR.BI is set
// (and LSR bit 7, "error in FIFO", while any flagged character is in it) until LSR is read, with
// the receiver-line-status interrupt (IIR 0x06) if IER.ELSI is on. Linux's 8250 driver and the
// teaching kernel read LSR before RBR, so the zero they then read is known to be the break.
import type { IrqLine, SerialHost } from '../bus/device';
import type { FdtBuilder } from '../board/fdt';
import { unitName, type DescribedDevice, type FdtContext, type Placement } from '../board/fdt-node';
import type { StateReader, StateValue } from '../checkpoint/state';
import { CheckpointError } from '../checkpoint/errors';

export const UART_SIZE = 0x100;
export const UART_CLOCK_HZ = 3686400;
const FIFO_DEPTH = 16;

const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IIR_NONE = 0x01;
const IIR_RLSI = 0x06;
const IIR_RDI = 0x04;
const IIR_TIMEOUT = 0x0c;
const IIR_THRI = 0x02;
const IIR_FIFO_ENABLED = 0xc0;
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
const LCR_DLAB = 0x80;
const LSR_DR = 0x01;
const LSR_BI = 0x10;
const LSR_FIFO_ERROR = 0x80;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const MCR_OUT2 = 0x08;
const MSR_DCD_DSR_CTS = 0xb0;
const TRIGGER_LEVELS = [1, 4, 8, 14];
/** A queued or FIFO entry with this bit set is a break (its character is 0). */
const BREAK_FLAG = 0x100;

export class Uart16550 implements DescribedDevice {
  readonly name = 'uart0';
  readonly size = UART_SIZE;
  private ier = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fcr = 0;
  /** Whether LSR has been read since the character at the top of the FIFO got there (BI is
   *  reported once per break, as the data sheet's "cleared when LSR is read"). */
  private topStatusRead = false;
  private thrPending = false;
  /** The receive FIFO (ring of FIFO_DEPTH; BREAK_FLAG marks a break) ... */
  private readonly fifo = new Uint16Array(FIFO_DEPTH);
  private fifoHead = 0;
  private fifoCount = 0;
  /** ... and what the host sent beyond it. */
  private queue: number[] = [];
  private queueHead = 0;

  constructor(private readonly irq: IrqLine, private readonly irqNumber: number, private readonly host?: SerialHost) {}

  reset(): void {
    this.ier = 0; this.lcr = 0; this.mcr = MCR_OUT2; this.scr = 0; this.dll = 0; this.dlm = 0;
    this.fcr = 0; this.thrPending = false;
    this.fifoHead = 0; this.fifoCount = 0; this.topStatusRead = false;
    this.update();
  }

  /** A BREAK condition on the line (the host held it low for longer than a character). */
  sendBreak(): void {
    this.queue.push(BREAK_FLAG);
    this.refill();
    this.update();
  }

  /** Bytes typed by the user (host to guest). */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.queue.push(b);
    this.refill();
    this.update();
  }

  /** Bytes received but not yet read by the guest (FIFO and host queue). */
  get bufferedInput(): number {
    return this.fifoCount + this.queue.length - this.queueHead;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    // Registers are bytes; a wider access reads the addressed one (as QEMU's 1-byte impl does).
    switch (offset) {
      case 0:
        if (this.lcr & LCR_DLAB) return this.dll;
        return this.readRbr();
      case 1: return this.lcr & LCR_DLAB ? this.dlm : this.ier;
      case 2: return this.readIir();
      case 3: return this.lcr;
      case 4: return this.mcr;
      case 5: {
        const lsr = (this.fifoCount > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT | this.lineErrors();
        if (this.fifoCount > 0 && !this.topStatusRead) { this.topStatusRead = true; this.update(); }
        return lsr;
      }
      case 6: return MSR_DCD_DSR_CTS;
      case 7: return this.scr;
      default: return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case 0:
        if (this.lcr & LCR_DLAB) { this.dll = v; return; }
        this.host?.output(v);
        // Sent at once: THR is empty again and its interrupt re-armed.
        this.thrPending = true;
        this.update();
        return;
      case 1:
        if (this.lcr & LCR_DLAB) { this.dlm = v; return; }
        // Enabling ETBEI while THR is empty raises the THR-empty interrupt.
        if ((v & IER_THRI) && !(this.ier & IER_THRI)) this.thrPending = true;
        this.ier = v & 0x0f;
        this.update();
        return;
      case 2: {
        const wasEnabled = this.fcr & FCR_ENABLE;
        this.fcr = v & 0xc9;
        // Changing the FIFO enable, or FCR bit 1, clears the receive FIFO.
        if ((v & FCR_CLEAR_RX) || (v & FCR_ENABLE) !== wasEnabled) { this.fifoHead = 0; this.fifoCount = 0; this.topStatusRead = false; }
        this.refill();
        this.update();
        return;
      }
      case 3: this.lcr = v; return;
      case 4: this.mcr = v & 0x1f; return;
      case 7: this.scr = v; return;
      default: return;
    }
  }

  writeFdt(fdt: FdtBuilder, at: Placement, ctx: FdtContext): void {
    fdt.beginNode(unitName('serial', at.base));
    fdt.u32('interrupts', at.irq ?? 0);
    fdt.u32('interrupt-parent', ctx.plicPhandle);
    fdt.u32('clock-frequency', UART_CLOCK_HZ);
    fdt.reg2(at);
    fdt.str('compatible', 'ns16550a');
    fdt.endNode();
  }

  private get capacity(): number {
    return this.fcr & FCR_ENABLE ? FIFO_DEPTH : 1;
  }

  private refill(): void {
    if (this.fifoCount === 0) this.topStatusRead = false; // whatever arrives first is a new top
    while (this.fifoCount < this.capacity && this.queueHead < this.queue.length) {
      this.fifo[(this.fifoHead + this.fifoCount) % FIFO_DEPTH] = this.queue[this.queueHead++];
      this.fifoCount++;
    }
    if (this.queueHead === this.queue.length) { this.queue = []; this.queueHead = 0; }
  }

  private readRbr(): number {
    if (this.fifoCount === 0) return 0;
    const b = this.fifo[this.fifoHead] & 0xff;
    this.fifoHead = (this.fifoHead + 1) % FIFO_DEPTH;
    this.fifoCount--;
    this.topStatusRead = false;
    this.refill();
    this.update();
    return b;
  }

  /** LSR's error bits: BI for a break at the top of the FIFO not yet reported, bit 7 while any
   *  break is in the FIFO (overrun, parity and framing errors cannot happen here). */
  private lineErrors(): number {
    if (this.fifoCount === 0) return 0;
    let bits = 0;
    if ((this.fifo[this.fifoHead] & BREAK_FLAG) && !this.topStatusRead) bits |= LSR_BI;
    if (this.fcr & FCR_ENABLE) {
      for (let i = 0; i < this.fifoCount; i++) if (this.fifo[(this.fifoHead + i) % FIFO_DEPTH] & BREAK_FLAG) { bits |= LSR_FIFO_ERROR; break; }
    }
    return bits;
  }

  /** Highest-priority interrupt identification, per the 16550 priority order. */
  private identify(): number {
    if ((this.ier & IER_RLSI) && (this.lineErrors() & LSR_BI)) return IIR_RLSI;
    if ((this.ier & IER_RDI) && this.fifoCount > 0) {
      if (!(this.fcr & FCR_ENABLE)) return IIR_RDI;
      return this.fifoCount >= TRIGGER_LEVELS[this.fcr >> 6] ? IIR_RDI : IIR_TIMEOUT;
    }
    if ((this.ier & IER_THRI) && this.thrPending) return IIR_THRI;
    return IIR_NONE;
  }

  private readIir(): number {
    const id = this.identify();
    // Reading IIR when it reports THR empty acknowledges that interrupt.
    if (id === IIR_THRI) { this.thrPending = false; this.update(); }
    return id | (this.fcr & FCR_ENABLE ? IIR_FIFO_ENABLED : 0);
  }

  /** Drives the IRQ line after every state update, as QEMU's serial_update_irq does (see plic.ts). */
  private update(): void {
    this.irq.setIrq(this.irqNumber, this.identify() !== IIR_NONE);
  }

  /** Checkpoints: registers, the receive FIFO and the host's queue of typed bytes. */
  saveState(): StateValue {
    const fifo: number[] = [];
    for (let i = 0; i < this.fifoCount; i++) fifo.push(this.fifo[(this.fifoHead + i) % FIFO_DEPTH]);
    return {
      regs: Uint32Array.of(this.ier, this.lcr, this.mcr, this.scr, this.dll, this.dlm, this.fcr),
      topStatusRead: this.topStatusRead, thrPending: this.thrPending,
      fifo: Uint32Array.from(fifo), queue: Uint32Array.from(this.queue.slice(this.queueHead)),
    };
  }

  loadState(s: StateReader): void {
    const regs = s.u32('regs', 7), fifo = s.u32('fifo'), queue = s.u32('queue');
    const topStatusRead = s.bool('topStatusRead'), thrPending = s.bool('thrPending');
    if (fifo.length > FIFO_DEPTH) throw new CheckpointError(`${s.path}.fifo: ${fifo.length} entries, the FIFO holds ${FIFO_DEPTH}`);
    [this.ier, this.lcr, this.mcr, this.scr, this.dll, this.dlm, this.fcr] = regs;
    this.topStatusRead = topStatusRead; this.thrPending = thrPending;
    this.fifo.fill(0); this.fifo.set(fifo); this.fifoHead = 0; this.fifoCount = fifo.length;
    this.queue = Array.from(queue); this.queueHead = 0;
  }
}
