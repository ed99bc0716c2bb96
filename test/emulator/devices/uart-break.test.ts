// BREAK input on the NS16550A as the PC16550D data sheet describes it and as Linux's 8250 driver
// reads it (LSR before RBR: LSR.BI says the zero character at the top of the FIFO is a break).
import { strict as assert } from 'node:assert';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { Machine } from '../../../emulator/machine';
import { FakeIrq } from './fakes';

const IRQ = 10;
const RBR = 0, IER = 1, IIR = 2, FCR = 2, LSR = 5;
const BI = 0x10, DR = 0x01, FIFO_ERR = 0x80;

function make() {
  const irq = new FakeIrq();
  const uart = new Uart16550(irq, IRQ, { output: () => undefined });
  return { irq, uart };
}

/** Reads what Linux's receive loop reads: (LSR, RBR) pairs while LSR.DR is set. */
function drain(uart: Uart16550): Array<[number, number]> {
  const got: Array<[number, number]> = [];
  for (let lsr = uart.read(LSR, 1); lsr & DR; lsr = uart.read(LSR, 1)) got.push([lsr & (BI | FIFO_ERR), uart.read(RBR, 1)]);
  return got;
}

describe('devices: NS16550A BREAK input', () => {
  it('a break then a key reads as a zero with LSR.BI, then the key without it', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x07);
    uart.sendBreak();
    uart.receive(new Uint8Array([0x74]));
    assert.deepEqual(drain(uart), [[BI | FIFO_ERR, 0], [0, 0x74]]);
  });

  it('reports BI once per break: reading LSR clears it, the zero stays to be read', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x01);
    uart.sendBreak();
    assert.equal(uart.read(LSR, 1) & BI, BI);
    assert.equal(uart.read(LSR, 1) & BI, 0, 'cleared by the LSR read');
    assert.equal(uart.read(LSR, 1) & (DR | FIFO_ERR), DR | FIFO_ERR, 'the break character is still in the FIFO');
    assert.equal(uart.read(RBR, 1), 0);
    assert.equal(uart.read(LSR, 1) & (DR | FIFO_ERR | BI), 0);
  });

  it('a break behind typed bytes shows only when it reaches the top of the FIFO', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x01);
    uart.receive(new Uint8Array([0x61, 0x62]));
    uart.sendBreak();
    uart.receive(new Uint8Array([0x63]));
    assert.deepEqual(drain(uart), [[FIFO_ERR, 0x61], [FIFO_ERR, 0x62], [BI | FIFO_ERR, 0], [0, 0x63]]);
  });

  it('works with FIFOs off (one holding byte): BI without the FIFO-error bit', () => {
    const { uart } = make();
    uart.sendBreak();
    uart.receive(new Uint8Array([0x6d]));
    assert.deepEqual(drain(uart), [[BI, 0], [0, 0x6d]]);
  });

  it('raises the line-status interrupt (IIR 0x06) when IER.ELSI is on, above received data; an LSR read acknowledges it', () => {
    const { uart, irq } = make();
    uart.write(FCR, 1, 0x01);
    uart.write(IER, 1, 0x05);
    uart.sendBreak();
    assert.ok(irq.high(IRQ));
    assert.equal(uart.read(IIR, 1), 0xc6);
    uart.read(LSR, 1);
    assert.equal(uart.read(IIR, 1), 0xc4, 'the break character is still data to read');
    uart.read(RBR, 1);
    assert.equal(uart.read(IIR, 1), 0xc1);
    assert.ok(!irq.high(IRQ));
  });

  it('without ELSI a break is announced as received data only', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x01);
    uart.write(IER, 1, 0x01);
    uart.sendBreak();
    assert.equal(uart.read(IIR, 1), 0xc4);
  });

  it('FCR clear-receive drops a pending break', () => {
    const { uart } = make();
    uart.write(FCR, 1, 0x01);
    uart.sendBreak();
    uart.write(FCR, 1, 0x03);
    assert.equal(uart.read(LSR, 1) & (DR | BI | FIFO_ERR), 0);
    assert.equal(uart.bufferedInput, 0);
  });

  it('Machine.sendBreak reaches the board UART (counted as pending input until the guest reads it)', () => {
    const m = new Machine({});
    m.sendBreak();
    m.sendInput(new Uint8Array([0x74]));
    assert.equal(m.inputPending(), 2);
  });
});
