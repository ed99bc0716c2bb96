#!/usr/bin/env bash
# Builds the Linux test input: Linux 6.1 from Debian's linux-source-6.1 (never committed,
# unpacked and built under build/linux/), our module kwbdemo.ko, our init, and an initramfs.
#
#   bash test/linux/build.sh        build what is missing or out of date, print what it does
#
# Cached by stamps (build/linux/stamps/): each step records a hash of its inputs and runs
# again only when they change. The kernel step hashes the tarball (path, size, Debian
# version), test/linux/kwb.config and KERNEL_RECIPE below; the module, init and initramfs
# steps hash their own sources (and the kernel's key where they depend on it), so editing
# init.c rebuilds init and the initramfs in seconds and never the kernel. With nothing
# changed a run does nothing. A lock (flock) keeps two runs from building at once.
#
# On success it writes build/linux/artifacts.json (paths of Image, vmlinux, vmlinux-gdb.py's
# folder, initramfs, kwbdemo.ko, init, ...) for the tests (test/linux/support/linux-build.ts).
# On failure: a line starting "linux-build: error:" and exit status 1.
#
# Environment: KWB_LINUX_TARBALL (default /usr/src/linux-source-6.1.tar.xz),
# KWB_LINUX_OUT (default build/linux), KWB_LINUX_JOBS (default 2: the machine is shared).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/test/linux"
OUT=${KWB_LINUX_OUT:-$ROOT/build/linux}
TARBALL=${KWB_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${KWB_LINUX_JOBS:-2}
CROSS=riscv64-linux-gnu-
KMAKE=(make ARCH=riscv CROSS_COMPILE="$CROSS")
# Bump when the way the kernel is configured or built changes (forces a kernel rebuild).
KERNEL_RECIPE=1
# Bump when the init/initramfs recipe changes.
USER_RECIPE=1

T0=$(date +%s)
say() { echo "linux-build: $*"; }
die() { echo "linux-build: error: $*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - $1 )) s"; }
hash_of() { cat "$@" | sha256sum | cut -c1-32; }
hash_str() { printf '%s' "$*" | sha256sum | cut -c1-32; }
stamp_ok() { [ -f "$OUT/stamps/$1" ] && [ "$(cat "$OUT/stamps/$1")" = "$2" ]; }
stamp_set() { mkdir -p "$OUT/stamps"; printf '%s' "$2" > "$OUT/stamps/$1"; }
# Runs a command with its output in a log file; on failure shows the log's tail and stops.
logged() {
  local log=$1; shift
  if ! "$@" > "$log" 2>&1; then
    echo "---- last lines of $log ----" >&2
    tail -n 40 "$log" >&2
    die "$* failed (full log: $log)"
  fi
}

# ---- what must be installed (scripts/setup.sh installs all of it)
[ -f "$TARBALL" ] || die "no $TARBALL: install Debian's linux-source-6.1 (bash scripts/setup.sh)"
for tool in tar xz make gcc "${CROSS}gcc" "${CROSS}ld" "${CROSS}strip" flex bison bc python3 sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed (bash scripts/setup.sh installs it)"
done

mkdir -p "$OUT/stamps" "$OUT/logs"
exec 9> "$OUT/.lock"
flock 9

# ---- 1. unpack the tarball (build/linux/src/linux-source-6.1)
tar_version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
tar_key=$(hash_str "$TARBALL" "$(stat -c '%s' "$TARBALL")" "$tar_version")
SRC="$OUT/src"
if stamp_ok unpack "$tar_key" && [ -f "$SRC/linux-source-6.1/Makefile" ]; then
  say "source: up to date ($TARBALL, $tar_version)"
else
  t=$(date +%s)
  say "source: unpacking $TARBALL ($tar_version) into $SRC"
  rm -f "$OUT/stamps/"*
  rm -rf "$SRC" "$SRC.tmp"
  mkdir -p "$SRC.tmp"
  tar -xJf "$TARBALL" -C "$SRC.tmp" || die "cannot unpack $TARBALL"
  [ -f "$SRC.tmp/linux-source-6.1/Makefile" ] || die "$TARBALL has no linux-source-6.1/Makefile"
  mv "$SRC.tmp" "$SRC"
  stamp_set unpack "$tar_key"
  say "source: unpacked in $(elapsed "$t")"
fi
KDIR="$SRC/linux-source-6.1"

# ---- 2. configure and build the kernel (Image, vmlinux, vmlinux-gdb.py)
kernel_key=$(hash_str "$tar_key" "$(hash_of "$HERE/kwb.config")" "$KERNEL_RECIPE")
if stamp_ok kernel "$kernel_key" && [ -f "$KDIR/arch/riscv/boot/Image" ] && [ -f "$KDIR/vmlinux-gdb.py" ]; then
  say "kernel: up to date"
else
  t=$(date +%s)
  say "kernel: configuring (tinyconfig + test/linux/kwb.config, olddefconfig)"
  (
    cd "$KDIR"
    logged "$OUT/logs/config.log" "${KMAKE[@]}" tinyconfig
    logged "$OUT/logs/merge.log" env ARCH=riscv CROSS_COMPILE="$CROSS" scripts/kconfig/merge_config.sh -m .config "$HERE/kwb.config"
    logged "$OUT/logs/olddefconfig.log" "${KMAKE[@]}" olddefconfig
  )
  # every symbol the fragment sets must have survived olddefconfig (a dependency we missed
  # would otherwise drop it silently)
  lost=""
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*) grep -qxF "$line" "$KDIR/.config" || lost="$lost ${line}";;
      "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}
        if grep -q "^$sym=" "$KDIR/.config"; then lost="$lost $sym(should be off)"; fi;;
    esac
  done < "$HERE/kwb.config"
  [ -z "$lost" ] || die "kwb.config symbols lost by olddefconfig:$lost"
  say "kernel: building Image, vmlinux, Module.symvers with make -j$JOBS (log: $OUT/logs/kernel.log; a cold build takes minutes)"
  (cd "$KDIR" && logged "$OUT/logs/kernel.log" "${KMAKE[@]}" -j"$JOBS" Image modules)
  say "kernel: scripts_gdb"
  (cd "$KDIR" && logged "$OUT/logs/scripts_gdb.log" "${KMAKE[@]}" scripts_gdb)
  [ -f "$KDIR/vmlinux-gdb.py" ] || die "make scripts_gdb wrote no vmlinux-gdb.py"
  stamp_set kernel "$kernel_key"
  say "kernel: built in $(elapsed "$t") ($(stat -c %s "$KDIR/arch/riscv/boot/Image") bytes Image)"
fi

# ---- 3. our module, out of tree (build/linux/module/kwbdemo.ko)
MODDIR="$OUT/module"
module_key=$(hash_str "$kernel_key" "$(hash_of "$HERE"/module/Kbuild "$HERE"/module/*.c)")
if stamp_ok module "$module_key" && [ -f "$MODDIR/kwbdemo.ko" ]; then
  say "module: up to date"
else
  t=$(date +%s)
  say "module: building kwbdemo.ko (make -C \$KDIR M=$MODDIR modules)"
  rm -rf "$MODDIR"; mkdir -p "$MODDIR"
  cp "$HERE"/module/Kbuild "$HERE"/module/*.c "$MODDIR"/
  logged "$OUT/logs/module.log" "${KMAKE[@]}" -C "$KDIR" M="$MODDIR" modules
  [ -f "$MODDIR/kwbdemo.ko" ] || die "no $MODDIR/kwbdemo.ko after make"
  stamp_set module "$module_key"
  say "module: built in $(elapsed "$t")"
fi

# ---- 4. our init: static, freestanding, raw system calls (build/linux/init/init)
INITDIR="$OUT/init"
INIT_CFLAGS=(-static -nostdlib -nostartfiles -ffreestanding -fno-builtin -fno-stack-protector
  -fno-pie -no-pie -O2 -g -march=rv64gc -mabi=lp64d -Wall -Wextra -Werror)
init_key=$(hash_str "$(hash_of "$HERE"/init/*.c)" "${INIT_CFLAGS[*]}" "$("${CROSS}gcc" --version | head -n 1)" "$USER_RECIPE")
if stamp_ok init "$init_key" && [ -f "$INITDIR/init" ]; then
  say "init: up to date"
else
  say "init: building with ${CROSS}gcc ${INIT_CFLAGS[*]}"
  rm -rf "$INITDIR"; mkdir -p "$INITDIR"
  logged "$OUT/logs/init.log" "${CROSS}gcc" "${INIT_CFLAGS[@]}" -o "$INITDIR/init" "$HERE"/init/*.c
  stamp_set init "$init_key"
fi

# ---- 5. the initramfs (build/linux/initramfs.cpio, newc, uncompressed), written by the
# kernel's own usr/gen_init_cpio built from the unpacked tree (host gcc)
GEN="$OUT/tools/gen_init_cpio"
if ! stamp_ok gen_init_cpio "$tar_key" || [ ! -x "$GEN" ]; then
  mkdir -p "$OUT/tools"
  logged "$OUT/logs/gen_init_cpio.log" gcc -O2 -o "$GEN" "$KDIR/usr/gen_init_cpio.c"
  stamp_set gen_init_cpio "$tar_key"
fi
initramfs_key=$(hash_str "$init_key" "$module_key" "$tar_key" "$USER_RECIPE")
INITRAMFS="$OUT/initramfs.cpio"
if stamp_ok initramfs "$initramfs_key" && [ -f "$INITRAMFS" ]; then
  say "initramfs: up to date"
else
  # the copy in the initramfs is stripped of debug info (as modules_install's
  # INSTALL_MOD_STRIP=1 does); debuggers read build/linux/module/kwbdemo.ko
  "${CROSS}strip" --strip-debug -o "$OUT/tools/kwbdemo.ko" "$MODDIR/kwbdemo.ko"
  cat > "$OUT/tools/initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $INITDIR/init 0755 0 0
file /kwbdemo.ko $OUT/tools/kwbdemo.ko 0644 0 0
EOF
  "$GEN" "$OUT/tools/initramfs.list" > "$INITRAMFS.tmp" || die "gen_init_cpio failed"
  mv "$INITRAMFS.tmp" "$INITRAMFS"
  stamp_set initramfs "$initramfs_key"
  say "initramfs: $INITRAMFS ($(stat -c %s "$INITRAMFS") bytes)"
fi

# ---- where everything is
cat > "$OUT/artifacts.json.tmp" <<EOF
{
  "kernelRelease": "$(cat "$KDIR/include/config/kernel.release" 2>/dev/null || echo unknown)",
  "debianVersion": "$tar_version",
  "kernelDir": "$KDIR",
  "image": "$KDIR/arch/riscv/boot/Image",
  "vmlinux": "$KDIR/vmlinux",
  "gdbScriptsDir": "$KDIR",
  "vmlinuxGdbPy": "$KDIR/vmlinux-gdb.py",
  "config": "$KDIR/.config",
  "systemMap": "$KDIR/System.map",
  "moduleKo": "$MODDIR/kwbdemo.ko",
  "moduleDir": "$MODDIR",
  "init": "$INITDIR/init",
  "initramfs": "$INITRAMFS"
}
EOF
mv "$OUT/artifacts.json.tmp" "$OUT/artifacts.json"
say "done in $(elapsed "$T0")"
