// NS16550A against the PC16550D data sheet's register semantics, and its reset values against
// QEMU's (read with gdb from a paused qemu-system-riscv64 virt: RBR 0, IER 0, IIR 0x01, LCR 0,
// MCR 0x08, LSR 0x60, MSR 0xb0, SCR 0).
import { strict as assert } from 'node:assert';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { FakeIrq } from './fakes';

const IRQ = 10;
function make() {
  const irq = new FakeIrq();
  const out: number[] = [];
  const uart = new Uart16550(irq, IRQ, { output: (b) => out.push(b) });
  return { irq, out, uart };
}
const RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

describe('devices: NS16550A UART', () => {
  it('powers on with the register values QEMU has', () => {
    const { uart } = make();
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((r) => uart.read(r, 1)), [0x00, 0x00, 0x01, 0x00, 0x08, 0x60, 0xb0, 0x00]);
  });

  it('sends THR bytes to the host and keeps THRE/TEMT set', () => {
    const { uart, out } = make();
    for (const c of 'hi\n') uart.write(THR, 1, c.charCodeAt(0));
    assert.equal(String.fromCharCode(...out), 'hi\n');
    assert.equal(uart.read(LSR, 1) & 0x60, 0x60);
  });

  it('puts DLL/DLM behind LCR.DLAB without disturbing THR and IER', () => {
    const { uart, out } = make();
    uart.write(IER, 1, 0x01);
    uart.write(LCR, 1, 0x83);
    uart.write(0, 1, 0x0c);
    uart.write(1, 1, 0x00);
    assert.equal(uart.read(0, 1), 0x0c);
    assert.equal(uart.read(1, 1), 0x00);
    assert.equal(out.length, 0, 'a DLL write is not a transmission');
    uart.write(LCR, 1, 0x03);
    assert.equal(uart.read(IER, 1), 0x01);
    assert.equal(uart.read(LCR, 1), 0x03);
    uart.write(SCR, 1, 0x5a);
    assert.equal(uart.read(SCR, 1), 0x5a);
  });

  it('raises the THR-empty interrupt when ETBEI is enabled, clears it on an IIR read, re-arms it on a THR write', () => {
    const { uart, irq } = make();
    uart.write(IER, 1, 0x02);
    assert.ok(irq.high(IRQ));
    assert.equal(uart.read(IIR, 1), 0x02);
    assert.ok(!irq.high(IRQ), 'reading IIR acknowledged it');
    assert.equal(uart.read(IIR, 1), 0x01);
    uart.write(THR, 1, 0x41);
    assert.ok(irq.high(IRQ));
    uart.write(IER, 1, 0x00);
    assert.ok(!irq.high(IRQ), 'masked by IER');
  });

  it('reports received data in LSR.DR and through IIR 0x04 with FIFOs off, one holding byte at a time', () => {
    const { uart, irq } = make();
    uart.receive(new Uint8Array([0x61, 0x62]));
    assert.equal(uart.read(LSR, 1) & 1, 1);
    assert.ok(!irq.high(IRQ), 'no interrupt while ERBFI is off');
    uart.write(IER, 1, 0x01);
    assert.ok(irq.high(IRQ));
    assert.equal(uart.read(IIR, 1), 0x04);
    assert.equal(uart.read(RBR, 1), 0x61);
    assert.ok(irq.high(IRQ), 'the second byte moved into the holding register');
    assert.equal(uart.read(RBR, 1), 0x62);
    assert.ok(!irq.high(IRQ));
    assert.equal(uart.read(LSR, 1) & 1, 0);
    assert.equal(uart.read(IIR, 1), 0x01);
  });

  it('with FIFOs on, IIR has bits 7:6 set and data below the trigger level shows as a timeout (0xCC)', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x81); // FIFO on, trigger level 8
    uart.write(IER, 1, 0x01);
    uart.receive(new Uint8Array([1, 2, 3]));
    assert.equal(uart.read(IIR, 1), 0xcc);
    uart.receive(new Uint8Array([4, 5, 6, 7, 8]));
    assert.equal(uart.read(IIR, 1), 0xc4, 'eight bytes reach the trigger level');
  });

  it('loses nothing typed faster than the guest reads, and receive data outranks THR empty', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x07);
    uart.write(IER, 1, 0x03);
    const input = Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
    uart.receive(new Uint8Array(input));
    assert.equal(uart.read(IIR, 1), 0xc4);
    const got: number[] = [];
    while (uart.read(LSR, 1) & 1) got.push(uart.read(RBR, 1));
    assert.deepEqual(got, input);
    assert.equal(uart.read(IIR, 1), 0xc2, 'THR empty is next in priority');
  });

  it('FCR bit 1 clears what has reached the receive FIFO', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x01);
    uart.receive(new Uint8Array([1, 2, 3]));
    uart.write(FCR, 1, 0x03);
    assert.equal(uart.read(LSR, 1) & 1, 0);
    assert.equal(uart.bufferedInput, 0);
  });

  it('reads MCR back (5 bits) and reset() returns every register to power-on values', () => {
    const { uart, irq } = make();
    uart.write(MCR, 1, 0xff);
    assert.equal(uart.read(MCR, 1), 0x1f);
    uart.write(IER, 1, 0x02);
    assert.ok(irq.high(IRQ));
    uart.reset();
    assert.ok(!irq.high(IRQ));
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((r) => uart.read(r, 1)), [0x00, 0x01, 0x00, 0x08, 0x60, 0xb0, 0x00]);
    assert.equal(uart.read(MSR, 1), 0xb0);
  });
});
