// The F and D extensions of an RV64 hart: register file and the executor for OP-FP and the
// fused multiply-add opcodes. (Work in progress: the interface is final, ops are being filled in.)

/** The 32 floating-point registers (64 bits each, singles NaN-boxed) plus fflags and frm. */
export class FpRegs {
  readonly buffer = new ArrayBuffer(32 * 8);
  /** f[n]: low 32 bits at i32[2n], high at i32[2n+1]. */
  readonly i32 = new Int32Array(this.buffer);
  /** f64[n] is f[n] as a double. */
  readonly f64 = new Float64Array(this.buffer);
  /** f32[2n] is the low word as a single (valid only when NaN-boxed: i32[2n+1] === -1). */
  readonly f32 = new Float32Array(this.buffer);
  /** Accrued exceptions: NV=16 DZ=8 OF=4 UF=2 NX=1. */
  fflags = 0;
  /** Dynamic rounding mode 0..7. */
  frm = 0;
}

/** Executes one instruction of opcode 0x53 (OP-FP) or 0x43/0x47/0x4b/0x4f (FMADD/FMSUB/FNMSUB/FNMADD).
 *  x: the hart's integer registers, Int32Array(64), register n low word at x[2n], high at x[2n+1];
 *  never write x[0]/x[1] (x0). Returns -1: illegal instruction (unknown encoding, reserved rm,
 *  or dynamic rm with frm 5..7); 1: f registers or fflags were written; 0: only x was written. */
export function executeFp(insn: number, f: FpRegs, x: Int32Array): number {
  void insn; void f; void x;
  return -1;
}
