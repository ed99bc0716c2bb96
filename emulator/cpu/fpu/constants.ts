// Constants shared by the F/D executor and its exact slow path: fflags bits and rounding modes
// (RISC-V unprivileged spec, "F" chapter, fcsr layout and the rm field encoding).

/** fflags bits: invalid, divide by zero, overflow, underflow, inexact. */
export const FLAG_NV = 16;
export const FLAG_DZ = 8;
export const FLAG_OF = 4;
export const FLAG_UF = 2;
export const FLAG_NX = 1;

/** Rounding modes as encoded in the rm field and in frm. 5 and 6 are reserved. */
export const RM_RNE = 0; // to nearest, ties to even
export const RM_RTZ = 1; // toward zero
export const RM_RDN = 2; // down, toward -infinity
export const RM_RUP = 3; // up, toward +infinity
export const RM_RMM = 4; // to nearest, ties to max magnitude
export const RM_DYN = 7; // use frm
