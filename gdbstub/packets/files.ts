// vFile (gdb manual, "Host I/O Packets"): open, pread, fstat, close and setfs, read-only, for the
// files this stub has named to gdb itself (the kernel, module objects in the library list,
// programs in exec-file replies) and nothing else. gdb's default sysroot is "target:", so it
// fetches those files through here and always gets the ones the stub meant, from any working
// directory; a stub without vFile makes gdb warn and fall back to the local file system.
import { readFileSync, statSync } from 'node:fs';
import { PacketError } from '../errors';
import { escapeBinary, fromHex, latin1 } from '../rsp/encoding';
import { packet, type Reply, type SessionState, type StubContext } from './types';

/** gdb's File-I/O errno values. */
const ENOENT = 2, EBADF = 9, EACCES = 13, EINVAL = 22, EMFILE = 24;

type FileCommand =
  | { op: 'open'; path: string; flags: number }
  | { op: 'pread'; fd: number; count: number; offset: number }
  | { op: 'fstat' | 'close'; fd: number }
  | { op: 'setfs'; pid: number };

interface OpenFile { data: Uint8Array; mtime: number }

const openFiles = new WeakMap<SessionState, Map<number, OpenFile>>();
const MAX_OPEN = 64;

const fail = (errno: number): string => `F-1,${errno.toString(16)}`;

function hexFields(text: string, rest: string, n: number): number[] | PacketError {
  const parts = rest.split(',');
  if (parts.length !== n || parts.some((p) => !/^-?[0-9a-fA-F]{1,16}$/.test(p))) return new PacketError(text, `expected ${n} hex fields`);
  const out = parts.map((p) => parseInt(p, 16));
  return out.some((v) => !Number.isSafeInteger(v)) ? new PacketError(text, 'number too large') : out;
}

function parse(text: string): FileCommand | PacketError {
  const m = /^vFile:(\w+):(.*)$/s.exec(text);
  if (!m) return new PacketError(text, 'expected vFile:operation:arguments');
  const [, op, rest] = m;
  switch (op) {
    case 'open': {
      const parts = rest.split(',');
      const name = parts.length === 3 ? fromHex(parts[0]) : undefined;
      const nums = parts.length === 3 ? hexFields(text, parts.slice(1).join(','), 2) : undefined;
      if (!name || !nums || nums instanceof PacketError) return new PacketError(text, 'expected vFile:open:hexpath,flags,mode');
      return { op, path: latin1.decode(name), flags: nums[0] };
    }
    case 'pread': {
      const f = hexFields(text, rest, 3);
      return f instanceof PacketError ? f : { op, fd: f[0], count: f[1], offset: f[2] };
    }
    case 'fstat': case 'close': {
      const f = hexFields(text, rest, 1);
      return f instanceof PacketError ? f : { op, fd: f[0] };
    }
    case 'setfs': {
      const f = hexFields(text, rest, 1);
      return f instanceof PacketError ? f : { op, pid: f[0] };
    }
    default: return new PacketError(text, `vFile:${op} is not offered`, '');
  }
}

/** gdb's struct stat: 13 big-endian fields, 64 bytes. */
function statBytes(size: number, mtime: number): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  v.setUint32(8, 0o100444); // st_mode: regular file, read-only
  v.setUint32(12, 1); // st_nlink
  v.setBigUint64(28, BigInt(size));
  v.setBigUint64(36, 4096n);
  v.setBigUint64(44, BigInt(Math.ceil(size / 512)));
  v.setUint32(52, mtime); v.setUint32(56, mtime); v.setUint32(60, mtime);
  return b;
}

function withData(prefix: string, data: Uint8Array): Reply {
  const head = latin1.encode(prefix);
  const esc = escapeBinary(data);
  const out = new Uint8Array(head.length + esc.length);
  out.set(head);
  out.set(esc, head.length);
  return { binary: out };
}

function handle(cmd: FileCommand, ctx: StubContext): Reply {
  if (!ctx.kernel.awareness && ctx.kernel.kernelPath === undefined) return ''; // nothing to serve: as before, no host I/O
  let files = openFiles.get(ctx.state);
  if (!files) openFiles.set(ctx.state, files = new Map());
  switch (cmd.op) {
    case 'setfs': return 'F0';
    case 'open': {
      if (!ctx.kernel.files.has(cmd.path)) return fail(ENOENT);
      if ((cmd.flags & 3) !== 0) return fail(EACCES); // read-only
      if (files.size >= MAX_OPEN) return fail(EMFILE);
      let data: Uint8Array;
      let mtime: number;
      try {
        data = new Uint8Array(readFileSync(cmd.path));
        mtime = Math.floor(statSync(cmd.path).mtimeMs / 1000);
      } catch { return fail(ENOENT); }
      let fd = 3;
      while (files.has(fd)) fd++;
      files.set(fd, { data, mtime });
      return `F${fd.toString(16)}`;
    }
    case 'pread': {
      const f = files.get(cmd.fd);
      if (!f) return fail(EBADF);
      if (cmd.offset < 0 || cmd.count < 0) return fail(EINVAL);
      // escaping can double the data: stay within a packet
      const n = Math.min(cmd.count, Math.floor((ctx.options.packetSize - 32) / 2));
      const chunk = f.data.subarray(Math.min(cmd.offset, f.data.length), Math.min(cmd.offset + n, f.data.length));
      return withData(`F${chunk.length.toString(16)};`, chunk);
    }
    case 'fstat': {
      const f = files.get(cmd.fd);
      if (!f) return fail(EBADF);
      return withData('F40;', statBytes(f.data.length, f.mtime));
    }
    case 'close':
      return files.delete(cmd.fd) ? 'F0' : fail(EBADF);
  }
}

export const vFile = packet({
  key: 'vFile',
  parse,
  handle,
});
