#!/usr/bin/env bash
# Installs everything the workbench and its tests need on a fresh Debian machine.
# Idempotent: packages already present are not reinstalled; `npm ci` only when the
# lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  gcc-riscv64-unknown-elf      # builds the teaching kernel, ISA tests and bench guests
  binutils-riscv64-unknown-elf # objdump: the disassembler's oracle
  picolibc-riscv64-unknown-elf # headers/libc for bare-metal test programs
  gdb-multiarch                # the real gdb our stub and symbol engine are checked against
  qemu-system-misc             # qemu-system-riscv64: the oracle machine
  opensbi                      # firmware for `--bios` (fw_jump)
  gcc libc6-dev make           # host C: the FPU's IEEE oracle; the guest Makefile
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.kwb-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
