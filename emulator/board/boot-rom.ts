// The reset vector every hart starts at: a small ROM at 0x1000, as on QEMU's virt board.
// It leaves a0 = mhartid, a1 = the FDT's address (the RISC-V boot convention that OpenSBI's
// fw_jump, Linux and xv6 expect) and a2 = the address of a fw_dynamic information record (for
// OpenSBI's fw_dynamic: where the next stage starts and in which mode), and jumps to the reset
// address (the firmware or the kernel). The layout is QEMU 7.2's, word for word (read with gdb).
//
//   0x1000  auipc t0, 0            t0 = 0x1000 (position-independent: the data is t0-relative)
//   0x1004  addi  a2, t0, 0x28     the fw_dynamic record
//   0x1008  csrr  a0, mhartid
//   0x100c  ld    a1, 0x20(t0)     FDT address
//   0x1010  ld    t0, 0x18(t0)     reset address
//   0x1014  jr    t0
//   0x1018  reset address, u64 little-endian
//   0x1020  FDT address, u64 little-endian
//   0x1028  fw_dynamic record, six u64: magic "OSBI" (0x4942534f), version 2, next address
//           (the kernel), next mode (1 = S-mode), options 0, boot hart 0
// The instructions are encoded below from the base ISA's formats (RISC-V unprivileged spec §2).

export const BOOT_ROM_BASE = 0x1000;
export const BOOT_ROM_SIZE = 0x1000;
export const BOOT_ROM_RESET_ADDR_OFFSET = 0x18;
export const BOOT_ROM_FDT_ADDR_OFFSET = 0x20;
export const BOOT_ROM_FW_DYNAMIC_OFFSET = 0x28;
const FW_DYNAMIC_MAGIC = 0x4942534f, FW_DYNAMIC_VERSION = 2, NEXT_MODE_S = 1;

const T0 = 5;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const CSR_MHARTID = 0xf14;

/** I-type: imm[11:0] rs1 funct3 rd opcode. */
function iType(opcode: number, rd: number, funct3: number, rs1: number, imm: number): number {
  return (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** U-type: imm[31:12] rd opcode. */
function uType(opcode: number, rd: number, imm20: number): number {
  return (((imm20 & 0xfffff) << 12) | (rd << 7) | opcode) >>> 0;
}

export const encode = {
  auipc: (rd: number, imm20: number) => uType(0x17, rd, imm20),
  /** csrrs rd, csr, x0 */
  csrr: (rd: number, csr: number) => iType(0x73, rd, 2, 0, csr),
  ld: (rd: number, rs1: number, offset: number) => iType(0x03, rd, 3, rs1, offset),
  addi: (rd: number, rs1: number, imm: number) => iType(0x13, rd, 0, rs1, imm),
  /** jalr x0, 0(rs1) */
  jr: (rs1: number) => iType(0x67, 0, 0, rs1, 0),
};

/** The ROM image (BOOT_ROM_SIZE bytes) for the given reset and FDT addresses and the kernel's entry (the next stage after firmware). */
export function buildBootRom(resetAddress: number, fdtAddress: number, nextAddress = resetAddress): Uint8Array {
  const rom = new Uint8Array(BOOT_ROM_SIZE);
  const v = new DataView(rom.buffer);
  const code = [
    encode.auipc(T0, 0),
    encode.addi(A2, T0, BOOT_ROM_FW_DYNAMIC_OFFSET),
    encode.csrr(A0, CSR_MHARTID),
    encode.ld(A1, T0, BOOT_ROM_FDT_ADDR_OFFSET),
    encode.ld(T0, T0, BOOT_ROM_RESET_ADDR_OFFSET),
    encode.jr(T0),
  ];
  code.forEach((insn, i) => v.setUint32(4 * i, insn, true));
  v.setBigUint64(BOOT_ROM_RESET_ADDR_OFFSET, BigInt(resetAddress), true);
  v.setBigUint64(BOOT_ROM_FDT_ADDR_OFFSET, BigInt(fdtAddress), true);
  const info = [FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, nextAddress, NEXT_MODE_S, 0, 0];
  info.forEach((word, i) => v.setBigUint64(BOOT_ROM_FW_DYNAMIC_OFFSET + 8 * i, BigInt(word), true));
  return rom;
}
