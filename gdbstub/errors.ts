// The gdb stub's error types, one per layer (style.md §9). A PacketError is recoverable: the
// packet was malformed or the target refused, and gdb gets an `Exx` reply. Only the loss of
// the transport ends a session; nothing here is thrown past the session boundary.

/** Error replies: 'E' and an errno number in decimal digits, as QEMU's stub writes them (gdb ignores the value). */
export const Errno = {
  /** Bad address: unmapped memory (QEMU's stub answers E14 too). */
  EFAULT: 'E14',
  /** Malformed packet or bad argument. */
  EINVAL: 'E22',
  /** No such thread. */
  ESRCH: 'E03',
  /** Target busy or in the wrong state. */
  EBUSY: 'E16',
  /** Target I/O failed. */
  EIO: 'E05',
  /** Generic failure. */
  EPERM: 'E01',
} as const;

/** A packet that could not be parsed: names the packet and what was wrong with it. */
export class PacketError extends Error {
  constructor(readonly packet: string, readonly problem: string, readonly reply: string = Errno.EINVAL) {
    super(`bad packet ${JSON.stringify(packet.length > 60 ? packet.slice(0, 60) + '...' : packet)}: ${problem}`);
    this.name = 'PacketError';
  }
}

/** A transport-level failure (listen/bind errors, bad listen address). */
export class GdbServerError extends Error {
  constructor(message: string, readonly address?: string) {
    super(message);
    this.name = 'GdbServerError';
  }
}

/** The Exx reply for an error a Target threw (TargetError codes) or anything else it threw. */
export function errorReply(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  switch (code) {
    case 'unmapped': return Errno.EFAULT;
    case 'bad-register': return Errno.EINVAL;
    case 'bad-hart': return Errno.ESRCH;
    case 'busy': case 'state': return Errno.EBUSY;
    case 'io': return Errno.EIO;
    default: return Errno.EPERM;
  }
}
