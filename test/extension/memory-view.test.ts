// The Kernel Memory view's pure part: URIs, what a person types into Show Memory, and the dump.
import { strict as assert } from 'node:assert';
import { DEFAULT_COUNT, MAX_COUNT, hexDump, memoryPath, parseMemoryInput, parseMemoryPath, referenceFromResult } from '../../extension/src/memory';

describe('extension: the Kernel Memory view (pure part)', () => {
  it('a URI path names the reference and the length, and reads back; others are refused', () => {
    for (const t of [{ memoryReference: '0x80001000', count: 256 }, { memoryReference: '0x1000@satp:0x8000000000087ff5', count: 16 }]) {
      assert.deepEqual(parseMemoryPath(memoryPath(t)), t);
    }
    assert.equal(memoryPath({ memoryReference: '0x10@satp:0x8', count: 4 }), '/4/0x10%40satp%3A0x8.hex');
    for (const bad of ['/0/0x10.hex', '/99999999/0x10.hex', '/0x10.hex', '4/0x10.hex', `/${MAX_COUNT + 1}/0x10.hex`]) assert.equal(parseMemoryPath(bad), undefined, bad);
  });

  it('reads an address, an expression, and either with a length; a bad length is named', () => {
    assert.deepEqual(parseMemoryInput('0x80000000'), { expression: '0x80000000', count: DEFAULT_COUNT });
    assert.deepEqual(parseMemoryInput('  &ticks , 8 '), { expression: '&ticks', count: 8 });
    assert.deepEqual(parseMemoryInput('task_table 0x40'), { expression: 'task_table', count: 64 });
    assert.deepEqual(parseMemoryInput('&task_table[1].name'), { expression: '&task_table[1].name', count: DEFAULT_COUNT });
    assert.deepEqual(parseMemoryInput('sizeof(struct task) + 4'), { expression: 'sizeof(struct task) + 4', count: DEFAULT_COUNT }, 'a trailing number with an operator before it is part of the expression');
    assert.match((parseMemoryInput('') as { error: string }).error, /type an address/);
    assert.match((parseMemoryInput('0x80000000, 0') as { error: string }).error, /length must be 1 to 65536 bytes \(got 0\)/);
    assert.match((parseMemoryInput('0x80000000 99999999999999999999') as { error: string }).error, /got 99999999999999999999/);
  });

  it('takes the memory reference of an evaluate result, else its value as an address', () => {
    assert.equal(referenceFromResult({ result: '(struct task *) 0x80012340 <task_table>', memoryReference: '0x80012340' }), '0x80012340');
    assert.equal(referenceFromResult({ result: '(long *) 0x8001f000 <ticks>' }), '0x8001f000');
    assert.equal(referenceFromResult({ result: '4096' }), '0x1000');
    assert.equal(referenceFromResult({ result: '{pid = 1, name = "init"}' }), undefined);
  });

  it('dumps 16 bytes a line with ASCII, aligned to 16, unreadable bytes as ??', () => {
    const bytes = Buffer.from('Hello, kernel!\n\0\x01\x02\x7f\xff', 'latin1');
    const text = hexDump('0x80001004', 24, { address: '0x80001004', data: bytes.subarray(0, 20).toString('base64') }, 'at the stop');
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0], /^\/\/ 24 bytes at 0x80001004; read at the stop\.$/);
    assert.match(lines[2], /^\/\/ 4 of 24 bytes could not be read \(shown as \?\?\)\.$/);
    assert.equal(lines[3], '0000000080001000              48 65 6c 6c  6f 2c 20 6b 65 72 6e 65  |    Hello, kerne|');
    assert.equal(lines[4], '0000000080001010  6c 21 0a 00 01 02 7f ff  ?? ?? ?? ??              |l!..........    |');
    assert.equal(lines.length, 5);
    const space = hexDump('0x1000@satp:0x8000000000087ff5', 16, { address: '0x1000', data: Buffer.alloc(16).toString('base64') }, 'now');
    assert.match(space, /in the address space of satp 0x8000000000087ff5/);
    assert.match(space, /^0000000000001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  \|\.{16}\|$/m);
    assert.match(hexDump('0x0', 16, undefined, 'now'), /16 of 16 bytes could not be read/);
  });
});
