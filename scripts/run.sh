#!/usr/bin/env bash
# The main job: set up, build the teaching kernel and kwb, and boot the kernel on our
# machine with the terminal as its console (Ctrl-A X quits). Extra arguments go to kwb,
# e.g. `bash scripts/run.sh --smp 2` or `bash scripts/run.sh --gdb tcp::1234 -S`.
set -euo pipefail
cd "$(dirname "$0")/.."
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
