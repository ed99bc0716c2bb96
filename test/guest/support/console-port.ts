// A console port is the two-way byte stream of a machine's serial console: QEMU's stdio or our
// own Machine's UART. Scripted sessions (console-session.ts) drive either through this seam.
export interface ConsolePort {
  /** Says which machine this is, for messages. */
  readonly description: string;
  /** Types bytes into the console. */
  write(text: string): void;
  /** Called with every piece of output, in order. */
  onOutput(listener: (text: string) => void): void;
  /** Stops the machine for good and releases everything (idempotent). */
  close(): Promise<void>;
}

export interface MachineSpec {
  kernel: string;
  smp: number;
  /** Data disk image; the port works on a private copy (QEMU) or in memory (Machine). */
  disk?: string;
}
