// sifive_test (QEMU's finisher: 0x5555 pass, 0x3333 | code << 16 fail, 0x7777 reset) and the
// goldfish RTC (nanoseconds from the virtual clock, alarm interrupt).
import { strict as assert } from 'node:assert';
import { DEFAULT_EPOCH_NS, GoldfishRtc } from '../../../emulator/devices/goldfish-rtc';
import { SifiveTest } from '../../../emulator/devices/sifive-test';
import { FakeClock, FakeIrq } from './fakes';

describe('devices: sifive_test and goldfish RTC', () => {
  it('sifive_test: pass powers off with 0, fail with the code in the upper 16 bits, 0x7777 reboots', () => {
    const events: string[] = [];
    const t = new SifiveTest((c) => events.push(`off ${c}`), () => events.push('reboot'));
    t.write(0, 4, 0x5555);
    t.write(0, 4, (42 << 16) | 0x3333);
    t.write(0, 4, 0x7777);
    t.write(0, 4, 0x1234);
    t.write(4, 4, 0x5555);
    t.write(0, 1, 0x55);
    t.write(0, 2, 0x5555); // OpenSBI's sifive_test driver uses writew
    assert.deepEqual(events, ['off 0', 'off 42', 'reboot', 'off 0']);
    assert.equal(t.read(), 0);
  });

  it('RTC: time is the epoch plus 100 ns per 10 MHz tick, TIME_LOW latches TIME_HIGH', () => {
    const clock = new FakeClock(12345);
    const rtc = new GoldfishRtc(clock, new FakeIrq(), 11);
    const lo = rtc.read(0x00, 4);
    clock.t = 10 ** 9; // moving time between the two reads must not tear the value
    const hi = rtc.read(0x04, 4);
    assert.equal((BigInt(hi) << 32n) | BigInt(lo), DEFAULT_EPOCH_NS + 1234500n);
  });

  it('RTC: an alarm raises its IRQ when enabled and the clock reaches it; CLEAR_INTERRUPT lowers it', () => {
    const clock = new FakeClock(0);
    const irq = new FakeIrq();
    const rtc = new GoldfishRtc(clock, irq, 11, 0n);
    rtc.write(0x10, 4, 1);
    rtc.write(0x0c, 4, 0);
    rtc.write(0x08, 4, 5000); // 5 µs = 50 ticks
    assert.equal(rtc.read(0x18, 4), 1, 'armed');
    assert.equal(rtc.nextDeadline(), 50);
    clock.t = 49; rtc.advance(49);
    assert.ok(!irq.high(11));
    clock.t = 50; rtc.advance(50);
    assert.ok(irq.high(11));
    assert.equal(rtc.read(0x18, 4), 0);
    assert.equal(rtc.nextDeadline(), Infinity);
    rtc.write(0x1c, 4, 1);
    assert.ok(!irq.high(11));
  });
});
