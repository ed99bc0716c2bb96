#!/usr/bin/env bash
# The main job: the workbench in a real VS Code (scripts/workbench.sh: code-server on
# 127.0.0.1 with the extension installed and the teaching kernel's folder open; it prints the
# URL and a password). `--no-auth`, `--port N` and a folder go to it.
#
# `bash scripts/run.sh --terminal [kwb options]` is the terminal-only boot instead: it builds
# the teaching kernel and kwb and boots the kernel with the terminal as its console (Ctrl-A X
# quits); further arguments go to kwb, e.g. `bash scripts/run.sh --terminal --smp 2` or
# `bash scripts/run.sh --terminal --gdb tcp::1234 -S`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--terminal" ]; then
  exec bash scripts/workbench.sh "$@"
fi
shift
bash scripts/setup.sh
make -s -C guest -j2
node scripts/build.mjs >/dev/null
disk=build/demo-disk.img
if [ ! -f "$disk" ]; then
  mkdir -p build
  # A 1 MiB data disk for the `disk` program; kwb never changes it (copy-on-write overlay).
  { printf 'Kernel Workbench demo disk\n'; head -c $((1024*1024 - 27)) /dev/zero; } > "$disk"
fi
echo "kwb: booting guest/build/kernel.elf (Ctrl-A X quits, Ctrl-A H lists the keys)"
exec node dist/kwb.js run --kernel guest/build/kernel.elf --drive "$disk" "$@"
