// The UART and the PLIC together, in the way xv6's driver uses them: with the THR-empty
// interrupt enabled and IIR never read, one interrupt per transmitted byte, no storm (QEMU's
// behaviour, which xv6 is developed against); and receive interrupts that come back after
// completion while bytes remain.
import { strict as assert } from 'node:assert';
import { MIP_SEIP } from '../../../emulator/bus/device';
import { Plic } from '../../../emulator/devices/plic';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { FakeHartLines } from './fakes';

const UART_IRQ = 10;
const SCLAIM = 0x201004; // context 1: hart 0 S-mode

function make() {
  const lines = new FakeHartLines(1);
  const plic = new Plic(1, lines);
  const out: number[] = [];
  const uart = new Uart16550(plic, UART_IRQ, { output: (b) => out.push(b) });
  plic.write(4 * UART_IRQ, 4, 1);
  plic.write(0x2080, 4, 1 << UART_IRQ);
  return { lines, plic, uart, out };
}

describe('devices: UART through the PLIC', () => {
  it('THR-empty without IIR reads: one request per THR write, none after completion alone', () => {
    const { lines, plic, uart, out } = make();
    uart.write(1, 1, 0x03); // IER: RX and TX interrupts, as xv6's uartinit
    assert.equal(lines.mip[0], MIP_SEIP);
    assert.equal(plic.read(SCLAIM, 4), UART_IRQ);
    plic.write(SCLAIM, 4, UART_IRQ); // xv6's uartintr: LSR checks only, no IIR read
    assert.equal(lines.mip[0], 0, 'no interrupt storm');
    uart.write(0, 1, 0x78);
    assert.equal(lines.mip[0], MIP_SEIP, 'the next byte sent asks again');
    assert.equal(plic.read(SCLAIM, 4), UART_IRQ);
    plic.write(SCLAIM, 4, UART_IRQ);
    assert.equal(lines.mip[0], 0);
    assert.deepEqual(out, [0x78]);
  });

  it('a byte still unread after completion raises the receive interrupt again', () => {
    const { lines, plic, uart } = make();
    uart.write(1, 1, 0x01);
    uart.receive(new Uint8Array([0x31, 0x32]));
    assert.equal(plic.read(SCLAIM, 4), UART_IRQ);
    assert.equal(uart.read(0, 1), 0x31); // the handler reads one byte only
    plic.write(SCLAIM, 4, UART_IRQ);
    assert.equal(lines.mip[0], MIP_SEIP);
    assert.equal(plic.read(SCLAIM, 4), UART_IRQ);
    assert.equal(uart.read(0, 1), 0x32);
    plic.write(SCLAIM, 4, UART_IRQ);
    assert.equal(lines.mip[0], 0);
  });
});
